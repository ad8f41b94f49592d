package classify

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// tierInput is an effective customer (a vehicle delivered a month before
// asOf) of a dealer with the price of its vehicle.
func tierInput(id, dealer string, price int64, kind retention.CustomerKind, vip bool) CustomerInput {
	return CustomerInput{Customer: retention.Customer{ID: id, Kind: kind, VIP: vip},
		Vehicles: []retention.VehicleHistory{{Vehicle: retention.Vehicle{VIN: "V" + id, Customer: id, Model: "M1",
			Dealer: dealer, DeliveredOn: d("2026-07-31"), Price: decimal.NewFromInt(price), Purchase: retention.FirstPurchase}}}}
}

func TestAssignTiers(t *testing.T) {
	p := retention.DefaultPolicy()
	p.Tiers.ScoreWeights = []retention.Weight{{Name: retention.ScorePurchase, Weight: decimal.NewFromInt(1)}}
	c, err := New(&p, []retention.Model{{ID: "M1", Kind: retention.Passenger}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	asOf := d("2026-08-31")
	ind := retention.Individual
	tests := []struct {
		name   string
		inputs []CustomerInput
		want   map[string]Tier
	}{
		{"ten customers: 2 core, 3 potential, 5 basic", func() []CustomerInput {
			var in []CustomerInput
			for i := range 10 {
				in = append(in, tierInput(fmt.Sprintf("C%02d", i), "D1", int64(100+i), ind, false))
			}
			return in
		}(), map[string]Tier{"C09": Core, "C08": Core, "C07": Potential, "C06": Potential, "C05": Potential,
			"C04": Basic, "C03": Basic, "C02": Basic, "C01": Basic, "C00": Basic}},
		{"a tie on the core boundary joins core", func() []CustomerInput {
			var in []CustomerInput
			for i, price := range []int64{100, 101, 102, 103, 104, 105, 106, 107, 108, 108} {
				in = append(in, tierInput(fmt.Sprintf("C%02d", i), "D1", price, ind, false))
			}
			in[7].Vehicles[0].Vehicle.Price = decimal.NewFromInt(108)
			return in
		}(), map[string]Tier{"C09": Core, "C08": Core, "C07": Core, "C06": Potential, "C05": Potential,
			"C04": Basic, "C03": Basic, "C02": Basic, "C01": Basic, "C00": Basic}},
		{"four customers: 0.8 rounds to 1 core, 2.0 to 2 in the top half", []CustomerInput{
			tierInput("A", "D1", 1, ind, false), tierInput("B", "D1", 2, ind, false),
			tierInput("C", "D1", 3, ind, false), tierInput("D", "D1", 4, ind, false)},
			map[string]Tier{"D": Core, "C": Potential, "B": Basic, "A": Basic}},
		{"prices past four decimals are compared as decimals, ties included", func() []CustomerInput {
			var in []CustomerInput
			for i, price := range []string{"0.00001", "0.00002", "0.00003", "0.00004", "0.00004"} {
				c := tierInput(fmt.Sprintf("C%02d", i), "D1", 0, ind, false)
				c.Vehicles[0].Vehicle.Price = decimal.RequireFromString(price)
				in = append(in, c)
			}
			return in
		}(), map[string]Tier{"C04": Core, "C03": Core, "C02": Potential, "C01": Basic, "C00": Basic}},
		{"each dealer is ranked on its own", []CustomerInput{
			tierInput("A", "D1", 1, ind, false), tierInput("B", "D1", 2, ind, false), tierInput("C", "D1", 3, ind, false),
			tierInput("X", "D2", 100, ind, false), tierInput("Y", "D2", 200, ind, false), tierInput("Z", "D2", 300, ind, false)},
			map[string]Tier{"C": Core, "B": Potential, "A": Basic, "Z": Core, "Y": Potential, "X": Basic}},
		{"fleet and VIP floors; not effective is basic", []CustomerInput{
			tierInput("A", "D1", 1, retention.Fleet, false), tierInput("B", "D1", 2, ind, true),
			tierInput("C", "D1", 3, ind, false), tierInput("D", "D1", 4, ind, false), tierInput("E", "D1", 5, ind, false),
			func() CustomerInput {
				in := tierInput("F", "D1", 1_000_000, ind, false)
				in.Vehicles[0].Vehicle.DeliveredOn = d("2020-01-01") // dormant
				return in
			}()},
			// Five effective: round(1.0) = 1 core, round(2.5) = 3 in the top half.
			map[string]Tier{"E": Core, "D": Potential, "C": Potential, "B": Potential, "A": Potential, "F": Basic}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := make([]CustomerResult, 0, len(tt.inputs))
			for i := range tt.inputs {
				rs = append(rs, c.Customer(&tt.inputs[i], asOf))
			}
			rand.New(rand.NewPCG(3, 4)).Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
			c.AssignTiers(rs)
			got := map[string]Tier{}
			for _, r := range rs {
				got[r.ID] = r.Tier
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("tiers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTierPriority(t *testing.T) {
	p := retention.DefaultPolicy()
	if got := []int{Core.Priority(&p), Potential.Priority(&p), Basic.Priority(&p), Tier(0).Priority(&p)}; !cmp.Equal(got, []int{1, 2, 3, 3}) {
		t.Errorf("priorities = %v", got)
	}
}

// TestTierInputOf: the tier input computed alone is the one of the full
// classification, from the full histories and from histories holding only
// the visits opened after TierVisitsAfter, network-wide and for one dealer.
func TestTierInputOf(t *testing.T) {
	asOf := d("2026-08-31")
	decimals := cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })
	for _, opts := range []*Options{nil, {Dealer: "D2"}} {
		c := newClassifier(t, opts)
		after := c.TierVisitsAfter(asOf)
		if want := d("2024-08-31"); after != want {
			t.Fatalf("TierVisitsAfter = %s, want %s (HomeDealerMonths, 24, is the longer)", after, want)
		}
		r := rand.New(rand.NewPCG(3, 3))
		cut := 0 // visits left out, so that the test cannot pass vacuously
		for i := range 1000 {
			id := fmt.Sprint("C", i)
			in := randomCustomer(r, id, asOf)
			full := c.Customer(&in, asOf)
			want := full.TierInput()
			if diff := cmp.Diff(want, c.TierInputOf(&in, asOf), decimals); diff != "" {
				t.Fatalf("%+v: customer %s (-Customer +TierInputOf):\n%s", opts, id, diff)
			}
			recent := in
			recent.Vehicles = nil
			for _, h := range in.Vehicles {
				var kept []retention.Visit
				for _, v := range h.Visits {
					if v.OpenedOn.After(after) {
						kept = append(kept, v)
					}
				}
				cut += len(h.Visits) - len(kept)
				recent.Vehicles = append(recent.Vehicles, retention.VehicleHistory{Vehicle: h.Vehicle, Visits: kept})
			}
			if diff := cmp.Diff(want, c.TierInputOf(&recent, asOf), decimals); diff != "" {
				t.Fatalf("%+v: customer %s, recent visits only (-Customer +TierInputOf):\n%s", opts, id, diff)
			}
		}
		if cut == 0 {
			t.Fatal("no visit was left out")
		}
	}
}

// randomCustomer is a customer of one to three vehicles with random
// histories, prices and amounts, and some lost-recall contacts.
func randomCustomer(r *rand.Rand, id string, asOf date.Date) CustomerInput {
	in := CustomerInput{Customer: retention.Customer{ID: id, Kind: retention.CustomerKind(1 + r.IntN(3)),
		VIP: r.IntN(5) == 0, Referrals: r.IntN(3)}}
	for j := range 1 + r.IntN(3) {
		h := randomHistory(r, asOf)
		vin := fmt.Sprintf("V%s-%d", id, j)
		h.Vehicle.VIN, h.Vehicle.Customer, h.Vehicle.Price = vin, id, decimal.New(r.Int64N(30_000_000), -2)
		for k := range h.Visits {
			h.Visits[k].VIN, h.Visits[k].Amount = vin, decimal.New(r.Int64N(500_000), -2)
		}
		if r.IntN(8) == 0 {
			on := retention.AddDays(asOf, 30-r.IntN(400)) // some after asOf, which do not count
			in.Contacts = append(in.Contacts, retention.Contact{Task: retention.TaskKey(retention.LostRecall, vin, on),
				At: on.UTC(), Channel: retention.Phone, Outcome: retention.Reached,
				LossReason: []string{"sold", "scrapped", "moved"}[r.IntN(3)]})
		}
		in.Vehicles = append(in.Vehicles, h)
	}
	return in
}

// TestTierRankingAddResult: a ranking of classified customers
// (AddResult, which AssignTiers and the plans use) ranks like Tiers of
// their TierInputs, amounts past four decimals and sums past the int64
// units included.
func TestTierRankingAddResult(t *testing.T) {
	asOf := d("2026-08-31")
	c := newClassifier(t, nil)
	r := rand.New(rand.NewPCG(5, 7))
	var rs []CustomerResult
	var ts []TierInput
	bigs := 0
	for i := range 1500 {
		in := randomCustomer(r, fmt.Sprint("C", i), asOf)
		switch i % 10 {
		case 1: // a price past four decimals, the dealer's highest
			in.Vehicles[0].Vehicle.Price = decimal.RequireFromString("900000.00001")
		case 2: // a recent repair order's amount past four decimals, the highest
			h := &in.Vehicles[0]
			on := retention.AddDays(asOf, -30)
			h.Vehicle.Scrapped = false
			h.Visits = append(h.Visits, retention.Visit{ID: "X", VIN: h.Vehicle.VIN, Dealer: "D1", OpenedOn: on, ClosedOn: on,
				Kind: retention.Repair, Amount: decimal.RequireFromString("90000.00001")})
		case 3: // prices that fit in units one by one, not summed
			for range 5 {
				h := randomHistory(r, asOf)
				h.Vehicle.VIN, h.Vehicle.Customer = fmt.Sprintf("VX%d-%d", i, len(in.Vehicles)), in.Customer.ID
				h.Vehicle.Price = decimal.New(99_999_999_999_999, 0)
				in.Vehicles = append(in.Vehicles, h)
			}
		}
		cr := c.Customer(&in, asOf)
		ti := cr.TierInput()
		if p, s := ti.Purchase, ti.Spend; p.Exponent() < moneyExp || s.Exponent() < moneyExp || p.Cmp(decimal.New(1, 14)) > 0 {
			bigs++
		}
		rs, ts = append(rs, cr), append(ts, ti)
	}
	if bigs == 0 {
		t.Fatal("no customer's amounts fall back to decimals")
	}
	want := c.Tiers(ts)
	ranking := c.NewTierRanking()
	for i := range rs {
		if h := ranking.AddResult(&rs[i]); h != i {
			t.Fatalf("handle %d, want %d", h, i)
		}
	}
	if diff := cmp.Diff(want, ranking.Tiers()); diff != "" {
		t.Errorf("tiers (-Tiers of TierInputs +AddResult):\n%s", diff)
	}
	c.AssignTiers(rs)
	got := make([]Tier, len(rs))
	for i := range rs {
		got[i] = rs[i].Tier
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tiers (-Tiers of TierInputs +AssignTiers):\n%s", diff)
	}
}

// TestTierRankingGrow: after Grow(n), n customers are added without an
// allocation, and the tiers are those of a ranking grown as it went.
func TestTierRankingGrow(t *testing.T) {
	c := newClassifier(t, nil)
	ins := make([]TierInput, 201)
	for i := range ins {
		ins[i] = TierInput{Dealer: "D1", Effective: i%3 > 0, Purchase: decimal.New(int64(100_000+i%7), 0), Vehicles: 1 + i%2,
			Spend: decimal.New(int64(i%11)*100, 0), Visits: i % 5}
	}
	grown, plain := c.NewTierRanking(), c.NewTierRanking()
	grown.Grow(-1)     // nothing
	grown.Add(&ins[0]) // the dealer's first customer enters a map
	grown.Grow(200)
	next := 1
	// AllocsPerRun runs the function once more than it counts: 200 adds.
	if allocs := testing.AllocsPerRun(1, func() {
		for range 100 {
			grown.Add(&ins[next])
			next++
		}
	}); allocs != 0 {
		t.Errorf("%v allocations adding 100 customers after Grow, want 0", allocs)
	}
	for i := range ins {
		plain.Add(&ins[i])
	}
	if diff := cmp.Diff(plain.Tiers(), grown.Tiers()); diff != "" {
		t.Errorf("tiers (-grown as it went +Grow):\n%s", diff)
	}
}

// TestTierRankingAppend: rankings of partitions, appended, rank the whole
// network like Tiers: dealers numbered differently in each partition,
// amounts past four decimals (ranked as decimals) in some, handles offset.
func TestTierRankingAppend(t *testing.T) {
	p := retention.DefaultPolicy()
	c, err := New(&p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(8, 9))
	ts := randomTierInputs(rng, 600, 4)
	for i := range ts {
		if rng.IntN(50) == 0 {
			ts[i].Spend = decimal.RequireFromString("0.00001")
		}
	}
	want := c.Tiers(ts)
	parts := make([]*TierRanking, 3)
	handles := make([][]int, 3) // input index of each handle, per partition
	for k := range parts {
		parts[k] = c.NewTierRanking()
	}
	for i := len(ts) - 1; i >= 0; i-- { // backwards: dealers first seen in another order
		k := rng.IntN(3)
		if h := parts[k].Add(&ts[i]); h != len(handles[k]) {
			t.Fatalf("handle %d, want %d", h, len(handles[k]))
		}
		handles[k] = append(handles[k], i)
	}
	whole := c.NewTierRanking()
	got := make([]Tier, len(ts))
	offsets := make([]int, 3)
	for k, r := range parts {
		offsets[k] = whole.Append(r)
	}
	if whole.Len() != len(ts) {
		t.Fatalf("Len = %d, want %d", whole.Len(), len(ts))
	}
	tiers := whole.Tiers()
	for k := range parts {
		for h, i := range handles[k] {
			got[i] = tiers[offsets[k]+h]
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tiers of the appended partitions (-Tiers +TierRanking):\n%s", diff)
	}

	// The same through TiersOfParts, which empties the parts.
	byPart := c.TiersOfParts(parts)
	got = make([]Tier, len(ts))
	for k := range parts {
		if len(byPart[k]) != len(handles[k]) || parts[k].Len() != 0 {
			t.Fatalf("part %d: %d tiers for %d customers, %d left in the part", k, len(byPart[k]), len(handles[k]), parts[k].Len())
		}
		for h, i := range handles[k] {
			got[i] = byPart[k][h]
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TiersOfParts (-Tiers +TiersOfParts):\n%s", diff)
	}
}

// referenceTiers is POLICY.md §8 written the plain way, quadratic and in
// decimals: the oracle of TestTiersAgainstReference.
func referenceTiers(p *retention.Policy, ts []TierInput) []Tier {
	tp := &p.Tiers
	part := func(t *TierInput, name string) decimal.Decimal {
		switch name {
		case retention.ScorePurchase:
			return t.Purchase
		case retention.ScoreVehicles:
			return decimal.NewFromInt(int64(t.Vehicles))
		case retention.ScoreSpend:
			return t.Spend
		case retention.ScoreVisits:
			return decimal.NewFromInt(int64(t.Visits))
		}
		return decimal.NewFromInt(int64(t.Referrals))
	}
	out := make([]Tier, len(ts))
	for i := range ts {
		if !ts[i].Effective {
			out[i] = Basic
			continue
		}
		var group []int // the effective customers of its dealer
		for j := range ts {
			if ts[j].Effective && ts[j].Dealer == ts[i].Dealer {
				group = append(group, j)
			}
		}
		score := func(k int) decimal.Decimal { // Σ weight × mean rank
			s := decimal.Zero
			for _, w := range tp.ScoreWeights {
				v := part(&ts[k], w.Name)
				below, equal := 0, 0
				for _, j := range group {
					switch part(&ts[j], w.Name).Cmp(v) {
					case -1:
						below++
					case 0:
						equal++
					}
				}
				mean := decimal.NewFromInt(int64(2*below + 1 + equal)).Div(decimal.NewFromInt(2))
				s = s.Add(w.Weight.Mul(mean))
			}
			return s
		}
		mine, higher := score(i), 0
		for _, j := range group {
			if score(j).GreaterThan(mine) {
				higher++
			}
		}
		n := decimal.NewFromInt(int64(len(group)))
		coreN := int(tp.CoreShare.Mul(n).Round(0).IntPart())
		potN := int(tp.CoreShare.Add(tp.PotentialShare).Mul(n).Round(0).IntPart())
		switch {
		case higher < coreN:
			out[i] = Core
		case higher < potN:
			out[i] = Potential
		default:
			out[i] = Basic
		}
	}
	for i := range ts {
		if out[i] == Basic && ((tp.FleetAtLeastPotential && ts[i].Kind == retention.Fleet) || (tp.VIPAtLeastPotential && ts[i].VIP)) {
			out[i] = Potential
		}
	}
	return out
}

// TestTiersAgainstReference: Tiers agrees with the plain reading of
// POLICY.md §8 on random networks with many ties, values of narrow ranges
// (ranked by counting) and of wide ones (ranked by sorting), and amounts
// past four decimals (ranked as decimals).
func TestTiersAgainstReference(t *testing.T) {
	p := retention.DefaultPolicy()
	c, err := New(&p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 77))
		ts := make([]TierInput, 20+rng.IntN(120))
		wide := seed%2 == 0
		for i := range ts {
			purchase := decimal.NewFromInt(int64(rng.IntN(6)) * 50_000)
			spend := decimal.New(int64(rng.IntN(5)), 0)
			if wide {
				purchase = decimal.New(int64(rng.IntN(1_000_000_000)), -2)
				spend = decimal.New(int64(rng.IntN(3))*int64(rng.IntN(2_000_000)), -2)
			}
			if seed%5 == 1 && rng.IntN(10) == 0 {
				spend = decimal.RequireFromString("0.00005")
			}
			ts[i] = TierInput{ID: fmt.Sprintf("C%03d", i), Dealer: fmt.Sprintf("D%d", rng.IntN(3)), Effective: rng.IntN(6) > 0,
				Kind: retention.CustomerKind(1 + rng.IntN(3)), VIP: rng.IntN(12) == 0, Referrals: rng.IntN(3),
				Purchase: purchase, Vehicles: 1 + rng.IntN(2), Spend: spend, Visits: rng.IntN(4)}
		}
		if diff := cmp.Diff(referenceTiers(&p, ts), c.Tiers(ts)); diff != "" {
			t.Fatalf("seed %d (-reference +Tiers):\n%s", seed, diff)
		}
	}
}

// randomTierInputs returns n customers of dealers D00…: every kind, one in
// ten a VIP, one in five not effective, purchases of 80,000.00–479,999.00,
// spends of 0–19,999.99 and a few visits, vehicles and referrals.
func randomTierInputs(rng *rand.Rand, n, dealers int) []TierInput {
	ts := make([]TierInput, n)
	for i := range ts {
		ts[i] = TierInput{ID: fmt.Sprintf("C%07d", i), Dealer: fmt.Sprintf("D%02d", rng.IntN(dealers)), Effective: rng.IntN(5) > 0,
			Kind: retention.CustomerKind(1 + rng.IntN(3)), VIP: rng.IntN(10) == 0, Referrals: rng.IntN(3),
			Purchase: decimal.New(int64(80_000+rng.IntN(400_000))*100, -2), Vehicles: 1 + rng.IntN(2),
			Spend: decimal.New(int64(rng.IntN(2_000_000)), -2), Visits: rng.IntN(8)}
	}
	return ts
}

// TestScoreParts: one value per weight, in the policy's order, amounts in
// units unless they do not fit.
func TestScoreParts(t *testing.T) {
	p := retention.DefaultPolicy()
	c, err := New(&p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := TierInput{Purchase: decimal.RequireFromString("250000.50"), Vehicles: 2, Spend: decimal.RequireFromString("0.00005"),
		Visits: 3, Referrals: 1}
	want := []ScorePart{ // purchase .25, vehicles .15, spend .30, visits .20, referrals .10
		{Weight: 250_000_000, Value: 2_500_005_000}, {Weight: 150_000_000, Value: 2},
		{Weight: 300_000_000, Amount: decimal.RequireFromString("0.00005"), Big: true},
		{Weight: 200_000_000, Value: 3}, {Weight: 100_000_000, Value: 1}}
	got := c.ScoreParts(nil, &in)
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("ScoreParts (-want +got):\n%s", diff)
	}
	// A big amount compares with one in units by value.
	small := ScorePart{Value: 1} // 0.0001
	if got := got[2].Compare(&small); got != -1 {
		t.Errorf("0.00005 against 0.0001: %d, want -1", got)
	}
	if got := small.Compare(&ScorePart{Value: 1}); got != 0 {
		t.Errorf("0.0001 against 0.0001: %d, want 0", got)
	}
}

// TestTierCut: the cut at CoreShare and CoreShare+PotentialShare of n
// (rounded half up): the positions before, on and after each, and a tie
// over a cut joining the tier above it.
func TestTierCut(t *testing.T) {
	p := retention.DefaultPolicy() // core 20%, potential 30%
	c, err := New(&p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	B, P, C := Basic, Potential, Core
	for _, tc := range []struct {
		name   string
		scores []int64
		want   []Tier
	}{
		{"10: core 2, potential to 5", []int64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, []Tier{C, C, P, P, P, B, B, B, B, B}},
		{"a tie over the core cut joins core", []int64{10, 9, 9, 7, 6, 5, 4, 3, 2, 1}, []Tier{C, C, C, P, P, B, B, B, B, B}},
		{"a tie over the potential cut joins potential", []int64{10, 9, 8, 7, 6, 6, 6, 3, 2, 1}, []Tier{C, C, P, P, P, P, P, B, B, B}},
		{"a tie after the cut, not over it", []int64{10, 9, 8, 8, 6, 5, 4, 3, 2, 1}, []Tier{C, C, P, P, P, B, B, B, B, B}},
		{"all tied", []int64{5, 5, 5, 5, 5}, []Tier{C, C, C, C, C}},
		{"3: core 0.6 → 1, potential 1.5 → 2 (half up)", []int64{3, 2, 1}, []Tier{C, P, B}},
		{"2: core 0.4 → 0, potential 1", []int64{2, 1}, []Tier{P, B}},
		{"1: core 0.2 → 0, potential 0.5 → 1", []int64{1}, []Tier{P}},
	} {
		cut := c.NewTierCut(len(tc.scores))
		var got []Tier
		for _, s := range tc.scores {
			got = append(got, cut.Next(s))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestRaiseTier: fleet and VIP customers are raised from basic to
// potential, no further, and not when the policy says not.
func TestRaiseTier(t *testing.T) {
	p := retention.DefaultPolicy()
	c, err := New(&p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	off := retention.DefaultPolicy()
	off.Tiers.FleetAtLeastPotential, off.Tiers.VIPAtLeastPotential = false, false
	cOff, err := New(&off, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fleet, vip, private := TierInput{Kind: retention.Fleet}, TierInput{Kind: retention.Individual, VIP: true}, TierInput{Kind: retention.Individual}
	for _, tc := range []struct {
		c    *Classifier
		in   *TierInput
		t    Tier
		want Tier
	}{
		{c, &fleet, Basic, Potential}, {c, &vip, Basic, Potential}, {c, &private, Basic, Basic},
		{c, &fleet, Core, Core}, {c, &vip, Potential, Potential},
		{cOff, &fleet, Basic, Basic}, {cOff, &vip, Basic, Basic},
	} {
		if got := tc.c.RaiseTier(tc.in, tc.t); got != tc.want {
			t.Errorf("RaiseTier(%+v, %v) = %v, want %v", *tc.in, tc.t, got, tc.want)
		}
	}
}
