package retention

import (
	"errors"
	"fmt"
)

// Dataset is the whole content of DATASET.md: what a DMS hands to dcrc, what
// a store imports atomically, what the dcrc command reads.
type Dataset struct {
	Dealers    []Dealer
	Models     []Model
	Customers  []Customer
	Vehicles   []Vehicle
	Visits     []Visit
	Contacts   []Contact
	Complaints []Complaint
	Surveys    []Survey
}

// Validate reports every invalid record of the dataset (each record's own
// Validate), every duplicate id and every reference to a record that is not
// in the dataset. All errors are ErrInvalid and name the record and field.
func (ds *Dataset) Validate() error { return ds.ValidateWith(nil) }

// ValidateWith is Validate where a reference may also name a record outside
// the dataset listed in known (collection → id → true): a record already in
// the store the dataset is imported into. ExternalRefs lists what to look up.
func (ds *Dataset) ValidateWith(known map[string]map[string]bool) error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	ids := func(collection string, n int, id func(int) string) map[string]bool {
		seen := make(map[string]bool, n)
		for i := range n {
			k := id(i)
			if k != "" && seen[k] {
				errs = append(errs, invalid(RecordName(collection, k, i), "id", "duplicate id"))
			}
			seen[k] = true
		}
		return seen
	}
	ref := func(record, field, value, collection string, inDataset map[string]bool) {
		if value != "" && !inDataset[value] && !known[collection+"s"][value] {
			errs = append(errs, invalid(record, field, fmt.Sprintf("unknown %s %q", collection, value)))
		}
	}

	for i := range ds.Dealers {
		add(ds.Dealers[i].Validate())
	}
	for i := range ds.Models {
		add(ds.Models[i].Validate())
	}
	for i := range ds.Customers {
		add(ds.Customers[i].Validate())
	}
	dealers := ids("dealers", len(ds.Dealers), func(i int) string { return ds.Dealers[i].ID })
	models := ids("models", len(ds.Models), func(i int) string { return ds.Models[i].ID })
	customers := ids("customers", len(ds.Customers), func(i int) string { return ds.Customers[i].ID })
	vehicles := ids("vehicles", len(ds.Vehicles), func(i int) string { return ds.Vehicles[i].VIN })
	ids("visits", len(ds.Visits), func(i int) string { return ds.Visits[i].ID })
	ids("complaints", len(ds.Complaints), func(i int) string { return ds.Complaints[i].ID })

	for i := range ds.Vehicles {
		v := &ds.Vehicles[i]
		add(v.Validate())
		rec := RecordName("vehicles", v.VIN, i)
		ref(rec, "customer", v.Customer, "customer", customers)
		ref(rec, "model", v.Model, "model", models)
		ref(rec, "dealer", v.Dealer, "dealer", dealers)
	}
	for i := range ds.Visits {
		v := &ds.Visits[i]
		add(v.Validate())
		rec := RecordName("visits", v.ID, i)
		ref(rec, "vin", v.VIN, "vehicle", vehicles)
		ref(rec, "dealer", v.Dealer, "dealer", dealers)
	}
	for i := range ds.Contacts {
		add(ds.Contacts[i].Validate(i))
	}
	for i := range ds.Complaints {
		c := &ds.Complaints[i]
		add(c.Validate())
		rec := RecordName("complaints", c.ID, i)
		ref(rec, "customer", c.Customer, "customer", customers)
		ref(rec, "vin", c.VIN, "vehicle", vehicles)
	}
	for i := range ds.Surveys {
		s := &ds.Surveys[i]
		add(s.Validate(i))
		ref(RecordName("surveys", "", i), "customer", s.Customer, "customer", customers)
	}
	return errors.Join(errs...)
}

// ExternalRefs lists, by collection ("dealers", "models", "customers",
// "vehicles"), the ids the dataset references but does not contain, sorted:
// the records an importer must find in its store (see ValidateWith).
func (ds *Dataset) ExternalRefs() map[string][]string {
	have := map[string]map[string]bool{"dealers": {}, "models": {}, "customers": {}, "vehicles": {}}
	for _, x := range ds.Dealers {
		have["dealers"][x.ID] = true
	}
	for _, x := range ds.Models {
		have["models"][x.ID] = true
	}
	for _, x := range ds.Customers {
		have["customers"][x.ID] = true
	}
	for _, x := range ds.Vehicles {
		have["vehicles"][x.VIN] = true
	}
	missing := map[string]map[string]bool{}
	need := func(collection, id string) {
		if id == "" || have[collection][id] {
			return
		}
		if missing[collection] == nil {
			missing[collection] = map[string]bool{}
		}
		missing[collection][id] = true
	}
	for _, v := range ds.Vehicles {
		need("customers", v.Customer)
		need("models", v.Model)
		need("dealers", v.Dealer)
	}
	for _, v := range ds.Visits {
		need("vehicles", v.VIN)
		need("dealers", v.Dealer)
	}
	for _, c := range ds.Complaints {
		need("customers", c.Customer)
		need("vehicles", c.VIN)
	}
	for _, s := range ds.Surveys {
		need("customers", s.Customer)
	}
	out := make(map[string][]string, len(missing))
	for c, ids := range missing {
		out[c] = sortedKeys(ids)
	}
	return out
}
