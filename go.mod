module github.com/dcrc-go/dcrc

go 1.26

require (
	github.com/google/go-cmp v0.7.0
	github.com/rickb777/date v1.22.0
	github.com/shopspring/decimal v1.4.0
)

require github.com/rickb777/plural v1.4.7 // indirect
