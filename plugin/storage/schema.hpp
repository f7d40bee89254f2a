// The plugin database's schema, version by version, and the migration that brings any older
// database up to the current version on open (docs/storage.md).
#pragma once

#include "plugin/storage/sqlite_db.hpp"

namespace tempoload::plugin {

inline constexpr int kSchemaVersion = 5;  // PRAGMA user_version

// Applies every missing step in order, each in its own transaction, so a crash mid-migration
// leaves the last complete version. Throws StoreError for a database newer than this code.
void migrate_schema(Database& db);

// For read-only tools: throws StoreError unless the database is exactly kSchemaVersion, saying
// what to do (an older one is migrated by starting the plugin once).
void require_current_schema(Database& db);

}  // namespace tempoload::plugin
