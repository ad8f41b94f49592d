// Package satisfaction applies POLICY.md §9: the first-time fix rate (FFV)
// and its complement the comeback rate (FNV), survey statistics, the CSI,
// NPS, the service-advisor score of seed 001, and complaint handling: the
// state machine, the SLA clocks by severity, breaches, the open-and-overdue
// list, the share handled within SLA and hot spots.
//
// Rates are exact counts (retention.Ratio) turned into decimals once; a rate
// over zero cases is undefined, never 0 or NaN. The accumulators (FFVStats,
// SurveyStats, ComplaintStats) merge, so the work can be split and
// combined, and a stream of records read once: SurveyStats gives the CSI
// and the advisors' scores too, without holding the surveys, and
// ComplaintStats the complaint handling without holding the complaints.
//
// The package is pure: no I/O, no clock; periods and instants are arguments.
package satisfaction
