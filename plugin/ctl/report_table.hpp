// Human-readable tables of reps and set summaries for tempoloadctl.
#pragma once

#include <ostream>

#include "tempoload/v1/training.pb.h"

namespace tempoload::ctl {

void print_rep_header(std::ostream& out);
void print_rep_row(std::ostream& out, const tempoload::v1::RepResult& rep);
void print_summary(std::ostream& out, const tempoload::v1::SetReport& set);
void print_set(std::ostream& out, const tempoload::v1::SetReport& set);  // header, rows, summary

}  // namespace tempoload::ctl
