package churn

import "math"

var (
	exp = math.Exp
	log = math.Log
	pow = math.Pow
)
