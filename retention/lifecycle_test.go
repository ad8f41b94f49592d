package retention

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStage(t *testing.T) {
	p := DefaultPolicy()
	passenger := p.ForModel(&Model{ID: "P", Kind: Passenger})   // 40 km/day by default
	commercial := p.ForModel(&Model{ID: "C", Kind: Commercial}) // 150 km/day by default
	tests := []struct {
		name  string
		rules *ModelRules
		asOf  string
		want  Stage
	}{
		// Delivered 2023-01-31; + 3 months = 2023-04-30 (clamped).
		{"new car, the day before the end", &passenger, "2023-04-29", StageNewCar},
		{"new car ends on delivery + 3 months", &passenger, "2023-04-30", StageInWarranty},
		{"the day after", &passenger, "2023-05-01", StageInWarranty},
		{"delivery day", &passenger, "2023-01-31", StageNewCar},
		// Passenger at 40 km/day: 100,000 km after 2,500 days, so the
		// warranty ends by time at + 36 months = 2026-01-31.
		{"warranty by time, the day before", &passenger, "2026-01-30", StageInWarranty},
		{"warranty by time, on the day", &passenger, "2026-01-31", StageOutOfWarranty},
		{"warranty by time, the day after", &passenger, "2026-02-01", StageOutOfWarranty},
		// 200,000 km after 5,000 days: replacement by time at + 72 months.
		{"replacement by time, the day before", &passenger, "2029-01-30", StageOutOfWarranty},
		{"replacement by time, on the day", &passenger, "2029-01-31", StageReplacement},
		{"replacement by time, the day after", &passenger, "2029-02-01", StageReplacement},
		// Commercial at 150 km/day: 100,000 km need 666.7 → 667 days:
		// 2023-01-31 + 667 days = 2024-11-28, long before 36 months.
		{"warranty by km, the day before", &commercial, "2024-11-27", StageInWarranty},
		{"warranty by km, on the day", &commercial, "2024-11-28", StageOutOfWarranty},
		{"warranty by km, the day after", &commercial, "2024-11-29", StageOutOfWarranty},
		// 200,000 km need 1,333.3 → 1,334 days: 2026-09-26.
		{"replacement by km, the day before", &commercial, "2026-09-25", StageOutOfWarranty},
		{"replacement by km, on the day", &commercial, "2026-09-26", StageReplacement},
		{"replacement by km, the day after", &commercial, "2026-09-27", StageReplacement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := vehicle("2023-01-31")
			m := p.EstimateMileage(&v, nil, tt.rules, d(tt.asOf))
			if got := p.Stage(&v, tt.rules, &m, d(tt.asOf)); got != tt.want {
				t.Errorf("Stage as of %s = %s, want %s", tt.asOf, got, tt.want)
			}
		})
	}
}

func TestStageScrapped(t *testing.T) {
	p := DefaultPolicy()
	rules := p.ForModel(nil)
	v := vehicle("2026-11-01")
	v.Scrapped = true
	m := p.EstimateMileage(&v, nil, &rules, d("2026-11-22"))
	if got := p.Stage(&v, &rules, &m, d("2026-11-22")); got != StageScrapped {
		t.Errorf("Stage of a scrapped vehicle = %s", got)
	}
}

func TestWarrantyEndAndReplacement(t *testing.T) {
	p := DefaultPolicy()
	type end struct {
		Warranty, Replacement     string
		WarrantyBy, ReplacementBy Limit
	}
	tests := []struct {
		name   string
		model  Model
		visits []Visit
		want   end
	}{
		{"passenger at the default rate: by time", Model{ID: "P", Kind: Passenger}, nil,
			end{"2026-01-31", "2029-01-31", ByTime, ByTime}},
		{"commercial: by mileage", Model{ID: "C", Kind: Commercial}, nil,
			end{"2024-11-28", "2026-09-26", ByMileage, ByMileage}},
		// Measured 100 km/day (36,500 km in 365 days): 100,000 km on
		// 2023-01-31 + 1,000 days = 2025-10-27, before 36 months; 200,000
		// km after 2,000 days = 2028-07-23, before 72 months.
		{"measured rate: by mileage", Model{ID: "P", Kind: Passenger}, []Visit{visit("A", "2024-01-31", 36500)},
			end{"2025-10-27", "2028-07-23", ByMileage, ByMileage}},
		// A model whose warranty is 24 months or 60,000 km at 40 km/day:
		// 1,500 days for the km, so time decides at 2025-01-31.
		{"model record overrides", Model{ID: "S", Kind: Passenger, WarrantyMonths: 24, WarrantyKm: 60000}, nil,
			end{"2025-01-31", "2029-01-31", ByTime, ByTime}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := vehicle("2023-01-31")
			rules := p.ForModel(&tt.model)
			m := p.EstimateMileage(&v, tt.visits, &rules, d("2024-02-01"))
			w, wb := WarrantyEnd(&v, &rules, &m)
			r, rb := ReplacementFrom(&v, &rules, &m)
			got := end{w.String(), r.String(), wb, rb}
			if lc := p.LifecycleOf(&v, &rules, &m, d("2024-02-01")); lc.WarrantyEnd != w || lc.WarrantyEndBy != wb {
				t.Errorf("LifecycleOf: warranty end %s by %s, WarrantyEnd %s by %s", lc.WarrantyEnd, lc.WarrantyEndBy, w, wb)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
