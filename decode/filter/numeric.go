package filter

import (
	"math/big"
	"strconv"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"
)

// Decimal strings. Avro decimals (and many JSON APIs) carry amounts as strings like
// "12000.50". When a comparison (==, !=, <, <=, >, >=) has a string on one side and a
// number on the other and the string is a plain decimal literal, the two are compared
// as numbers, so value.amount > 10000 works on such amounts: exactly against an int or
// uint, and against a double after rounding the string to a double the way the
// double's literal was rounded (so "12000.10" == 12000.1). Everything else keeps CEL's
// own semantics: string against string stays a text comparison, and a non-numeric
// string against a number is an error (the record does not match).
// decimal(x) converts a decimal string or any number to a double for arithmetic.

// maxDecimalLen bounds the strings treated as numbers, so exact comparison stays cheap.
const maxDecimalLen = 100

// numericComparisons is the program decorator that adds decimal-string comparisons.
func numericComparisons(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
	call, ok := i.(interpreter.InterpretableCall)
	if !ok || len(call.Args()) != 2 {
		return i, nil
	}
	switch call.Function() {
	case operators.Equals, operators.NotEquals, operators.Less, operators.LessEquals,
		operators.Greater, operators.GreaterEquals:
		return &compareCall{InterpretableCall: call, lhs: call.Args()[0], rhs: call.Args()[1]}, nil
	}
	return i, nil
}

// compareCall evaluates a comparison with CEL's semantics plus decimal strings.
type compareCall struct {
	interpreter.InterpretableCall
	lhs, rhs interpreter.InterpretableV2
}

// Eval implements interpreter.Interpretable.
func (c *compareCall) Eval(vars interpreter.Activation) ref.Val {
	frame, err := interpreter.NewExecutionFrame(vars)
	if err != nil {
		return types.WrapErr(err)
	}
	defer frame.Close()
	return c.Exec(frame)
}

// Exec implements interpreter.InterpretableV2.
func (c *compareCall) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	l := c.lhs.Exec(frame)
	if types.IsUnknownOrError(l) {
		return l
	}
	r := c.rhs.Exec(frame)
	if types.IsUnknownOrError(r) {
		return r
	}
	op := c.Function()
	if cmp, ok := compareDecimal(l, r); ok {
		return types.Bool(holds(op, cmp))
	}
	switch op {
	case operators.Equals:
		return types.Equal(l, r)
	case operators.NotEquals:
		return types.Bool(types.Equal(l, r) != types.True)
	}
	cmpr, ok := l.(traits.Comparer)
	if !ok {
		return types.MaybeNoSuchOverloadErr(l)
	}
	cmp := cmpr.Compare(r)
	n, ok := cmp.(types.Int)
	if !ok {
		return cmp // an error: incomparable types, or NaN
	}
	return types.Bool(holds(op, int(n)))
}

// holds reports whether a comparison op is true given the sign of lhs - rhs.
func holds(op string, cmp int) bool {
	switch op {
	case operators.Equals:
		return cmp == 0
	case operators.NotEquals:
		return cmp != 0
	case operators.Less:
		return cmp < 0
	case operators.LessEquals:
		return cmp <= 0
	case operators.Greater:
		return cmp > 0
	}
	return cmp >= 0
}

// compareDecimal compares a decimal string with a number, in either order. ok is false
// when the pair is not a decimal string and a number, or the number is NaN.
func compareDecimal(l, r ref.Val) (cmp int, ok bool) {
	if s, isStr := l.(types.String); isStr {
		return compareDecimalString(string(s), r)
	}
	if s, isStr := r.(types.String); isStr {
		cmp, ok = compareDecimalString(string(s), l)
		return -cmp, ok
	}
	return 0, false
}

// compareDecimalString returns the sign of s - n. Against an int or uint the
// comparison is exact; against a double, s is rounded to the nearest double first, as
// the double's own literal was, so "12000.10" == 12000.1 holds.
func compareDecimalString(s string, n ref.Val) (int, bool) {
	if !isDecimal(s) {
		return 0, false
	}
	f, _ := strconv.ParseFloat(s, 64) // correctly rounded; out of range gives ±Inf
	var g float64
	switch n := n.(type) {
	case types.Double:
		return compareFloats(f, float64(n))
	case types.Int:
		g = float64(n)
	case types.Uint:
		g = float64(n)
	default:
		return 0, false
	}
	// Rounding to double is monotonic, so a strict order between the doubles is the
	// order of the exact values; only a tie needs exact arithmetic.
	if f != g {
		return compareFloats(f, g)
	}
	var x, y big.Rat
	if _, ok := x.SetString(s); !ok {
		return 0, false
	}
	switch n := n.(type) {
	case types.Int:
		y.SetInt64(int64(n))
	case types.Uint:
		y.SetUint64(uint64(n))
	}
	return x.Cmp(&y), true
}

// compareFloats is the sign of f - g; NaN compares with nothing.
func compareFloats(f, g float64) (int, bool) {
	switch {
	case f < g:
		return -1, true
	case f > g:
		return 1, true
	case f == g:
		return 0, true
	}
	return 0, false
}

// isDecimal reports whether s is a plain decimal literal: -?digits(.digits)?(e±ddd)?.
func isDecimal(s string) bool {
	if len(s) == 0 || len(s) > maxDecimalLen {
		return false
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if n := digits(); n == 0 || n > 3 {
			return false
		}
	}
	return i == len(s)
}

// decimalFunction declares decimal(x): a decimal string or any number as a double.
func decimalFunction() cel.EnvOption {
	return cel.Function("decimal",
		cel.Overload("decimal_dyn", []*cel.Type{cel.DynType}, cel.DoubleType,
			cel.UnaryBinding(toDecimal)))
}

func toDecimal(v ref.Val) ref.Val {
	switch v := v.(type) {
	case types.Double:
		return v
	case types.Int:
		return types.Double(v)
	case types.Uint:
		return types.Double(v)
	case types.String:
		if !isDecimal(string(v)) {
			return types.NewErr("decimal: %q is not a decimal number", string(v))
		}
		f, _ := strconv.ParseFloat(string(v), 64)
		return types.Double(f)
	}
	return types.MaybeNoSuchOverloadErr(v)
}
