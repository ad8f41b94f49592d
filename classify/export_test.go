package classify

// The oracle and the inputs of the tier tests, for the tests of package
// classify_test.
var (
	ReferenceTiers   = referenceTiers
	RandomTierInputs = randomTierInputs
)
