// Package retention is the vocabulary of dcrc: the records a dealer
// management system keeps (Dealer, Model, Customer, Vehicle, Visit, Contact,
// Complaint, Survey), the Policy that holds every number of the retention
// policy, the calendar rules every date goes through, the lifecycle stage and
// mileage estimate of a vehicle, the error kinds, and the store interfaces
// that adapters implement.
//
// # Dates
//
// Calendar dates are date.Date values (github.com/rickb777/date) without a
// time zone; instants (contact attempts, complaint timestamps) are
// time.Time. Month arithmetic clamps to the end of the month
// (AddMonths(2024-01-31, 1) = 2024-02-29), unlike AddDate, which spills into
// March. "Within the last k months as of D" is the half-open window
// (D − k months, D] (WithinMonths). Parse dates with ParseDate, which
// rejects dates that do not exist.
//
// # Policy
//
// DefaultPolicy returns the policy of POLICY.md. Every threshold is a field;
// Policy.Validate reports every invalid field and every pair of thresholds
// that contradict each other. Per-model numbers resolve through
// Policy.ForModel: the policy default, overridden by the Model record,
// overridden by Policy.Models.
//
// # Mileage and lifecycle
//
// Policy.EstimateMileage turns odometer readings into an exact daily rate
// (POLICY.md §3), dropping and reporting readings that go backwards or are
// implausible. Mileage.OdometerOn and Mileage.DateReaching answer "how far
// on this date" and "on which date this far", the basis of every
// "whichever comes first" rule. Policy.Stage gives the lifecycle stage
// (POLICY.md §2).
//
// # Stores and partitions
//
// Store is what the adapters implement. Histories, CustomerContacts and
// CustomersIn read one partition of the customers (HistoryFilter: a range
// of CustomerHash, PartitionRange), the unit of the customer-level
// evaluation, which needs all of a customer's vehicles together, on one
// machine or across several. StatusReader aggregates the status facts where
// the visits are kept; a StatusRangeReader also reads them by range of VINs
// (SplitVINs, VINRange), for work done vehicle by vehicle, each range
// reading only its part of the visits. SurveysBetween reads the surveys of
// a span of time, through a SurveysInSpan's own query when the store has
// one.
//
// # Errors
//
// Every error is, or wraps, an *Error whose Kind is ErrInvalid, ErrNotFound,
// ErrConflict or ErrInternal; the kinds are sentinels for errors.Is. Errors
// about input name the record ("vehicles/LFV123") and the field
// ("deliveredOn").
//
// The package does no I/O, reads no clock and keeps no global state.
package retention
