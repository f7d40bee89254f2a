// Renders the API reference (Markdown) from proto/ itself, so docs/api.md cannot drift:
// reads a FileDescriptorSet made by `protoc --include_source_info --include_imports` and
// prints every service, rpc, message, field and enum with the comments written in the .proto.
// Usage: tempoload-api-reference DESCRIPTOR_SET > docs/api.md
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace pb = google::protobuf;

namespace {

// Leading comment, else trailing comment, joined onto one paragraph; "" when none.
template <typename D>
std::string comment_of(const D* d) {
  pb::SourceLocation loc;
  if (!d->GetSourceLocation(&loc)) return "";
  std::string text = loc.leading_comments.empty() ? loc.trailing_comments : loc.leading_comments;
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    if (!out.empty()) out += ' ';
    out += line.substr(first);
  }
  for (auto& c : out)
    if (c == '|') c = '/';  // keep Markdown tables intact
  return out;
}

std::string type_of(const pb::FieldDescriptor* f) {
  std::string t;
  if (f->message_type())
    t = f->message_type()->full_name();
  else if (f->enum_type())
    t = f->enum_type()->full_name();
  else
    t = f->type_name();
  if (f->is_map()) return "map";
  return f->is_repeated() ? "repeated " + t : t;
}

void print_message(const pb::Descriptor* m) {
  std::cout << "### message `" << m->full_name() << "`\n\n";
  if (auto c = comment_of(m); !c.empty()) std::cout << c << "\n\n";
  if (m->field_count() == 0) {
    std::cout << "(no fields)\n\n";
  } else {
    std::cout << "| field | number | type | meaning |\n| --- | --- | --- | --- |\n";
    for (int i = 0; i < m->field_count(); ++i) {
      const auto* f = m->field(i);
      std::cout << "| `" << f->name() << "` | " << f->number() << " | `" << type_of(f) << "` | "
                << (f->real_containing_oneof()
                        ? "(oneof " + std::string(f->real_containing_oneof()->name()) + ") "
                        : "")
                << comment_of(f) << " |\n";
    }
    std::cout << "\n";
  }
  for (int i = 0; i < m->nested_type_count(); ++i)
    if (!m->nested_type(i)->options().map_entry()) print_message(m->nested_type(i));
}

void print_enum(const pb::EnumDescriptor* e) {
  std::cout << "### enum `" << e->full_name() << "`\n\n";
  if (auto c = comment_of(e); !c.empty()) std::cout << c << "\n\n";
  std::cout << "| value | number | meaning |\n| --- | --- | --- |\n";
  for (int i = 0; i < e->value_count(); ++i)
    std::cout << "| `" << e->value(i)->name() << "` | " << e->value(i)->number() << " | "
              << comment_of(e->value(i)) << " |\n";
  std::cout << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tempoload-api-reference DESCRIPTOR_SET\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  pb::FileDescriptorSet set;
  if (!in || !set.ParseFromIstream(&in)) {
    std::cerr << argv[1] << ": not a FileDescriptorSet\n";
    return 2;
  }
  pb::DescriptorPool pool;
  for (const auto& file : set.file())
    if (!pool.BuildFile(file)) {
      std::cerr << argv[1] << ": cannot build " << file.name() << "\n";
      return 2;
    }

  std::cout << "# API reference\n\nGenerated from proto/ by `make api-doc` "
               "(proto/tools/api_reference.cpp); a test fails when this file and proto/ "
               "disagree. Do not edit by hand.\n\n";
  for (const auto& fp : set.file()) {
    if (fp.name().rfind("google/", 0) == 0) continue;  // imported well-known types
    const pb::FileDescriptor* file = pool.FindFileByName(fp.name());
    std::cout << "## " << file->name() << " (package `" << file->package() << "`)\n\n";
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* svc = file->service(s);
      std::cout << "### service `" << svc->full_name() << "`\n\n";
      if (auto c = comment_of(svc); !c.empty()) std::cout << c << "\n\n";
      std::cout << "| rpc | request | response | what it does |\n| --- | --- | --- | --- |\n";
      for (int i = 0; i < svc->method_count(); ++i) {
        const auto* m = svc->method(i);
        std::cout << "| `" << m->name() << "` | " << (m->client_streaming() ? "stream " : "")
                  << "`" << m->input_type()->full_name() << "` | "
                  << (m->server_streaming() ? "stream " : "") << "`"
                  << m->output_type()->full_name() << "` | " << comment_of(m) << " |\n";
      }
      std::cout << "\n";
    }
    for (int i = 0; i < file->message_type_count(); ++i) print_message(file->message_type(i));
    for (int i = 0; i < file->enum_type_count(); ++i) print_enum(file->enum_type(i));
  }
  return 0;
}
