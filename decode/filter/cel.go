package filter

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"

	"github.com/kpeek/kpeek/decode"
)

// costLimit bounds one evaluation of an expression with comprehensions (exists, all,
// map, filter...): about a million steps, a few milliseconds, so a pathological
// expression over a large value cannot stall the explorer.
const costLimit = 1_000_000

// variable is a name a CEL filter can use, with its type.
type variable struct {
	name string
	typ  *cel.Type
}

// variables lists the filter variables; a function, not a package variable, so the
// table cannot be changed from outside.
func variables() []variable {
	return []variable{
		{"key", cel.DynType},
		{"value", cel.DynType},
		{"headers", cel.MapType(cel.StringType, cel.StringType)},
		{"topic", cel.StringType},
		{"partition", cel.IntType},
		{"offset", cel.IntType},
		{"timestamp", cel.TimestampType},
		{"timestamp_type", cel.StringType},
		{"size", cel.IntType},
		{"key_encoding", cel.StringType},
		{"value_encoding", cel.StringType},
		{"value_schema_id", cel.DynType},
		{"now", cel.TimestampType},
	}
}

// isVariable reports whether name is one of the filter variables.
func isVariable(name string) bool {
	for _, v := range variables() {
		if v.name == name {
			return true
		}
	}
	return false
}

// newEnv builds the CEL environment every filter is compiled in.
func newEnv() (*cel.Env, error) {
	opts := []cel.EnvOption{
		cel.CrossTypeNumericComparisons(true),
		cel.DefaultUTCTimeZone(true),
		ext.Strings(),
		ext.Encoders(ext.EncodersVersion(1)), // base64, json.encode; not yaml.parse of hostile input
		decimalFunction(),
		cel.ParserExpressionSizeLimit(10_000),
		cel.ParserRecursionLimit(100),
	}
	for _, v := range variables() {
		opts = append(opts, cel.Variable(v.name, v.typ))
	}
	return cel.NewEnv(opts...)
}

// celFilter is a compiled CEL expression.
type celFilter struct {
	prg         cel.Program
	parts       Parts // what the expression reads
	now         time.Time
	activations sync.Pool // of *activation: one per evaluation, reused (they are large)
}

// compileCEL type-checks a parsed expression and plans it. now is the value of the
// variable now, fixed when the filter is compiled so one pass over records is consistent.
func compileCEL(env *cel.Env, parsed *cel.Ast, now time.Time) (*celFilter, error) {
	checked, iss := env.Check(parsed)
	if iss.Err() != nil {
		return nil, issueError(iss)
	}
	if usesFunction(checked, "replace") {
		// Its result can grow with the square of a 2 MB value, in one call that no
		// cost limit can interrupt.
		return nil, errors.New("CEL: replace() is not available in filters; use matches() or contains()")
	}
	if t := checked.OutputType(); !t.IsExactType(types.BoolType) && !t.IsExactType(types.DynType) {
		return nil, fmt.Errorf("CEL: the expression has type %s, not true/false: compare it, e.g. with ==", t)
	}
	opts := []cel.ProgramOption{
		cel.EvalOptions(cel.OptOptimize),
		cel.CustomDecoratorV2(numericComparisons),
	}
	if hasComprehension(checked) {
		// Runtime cost tracking costs time on every record; only loops can blow up.
		opts = append(opts, cel.CostLimit(costLimit))
	}
	prg, err := env.Program(checked, opts...)
	if err != nil {
		return nil, fmt.Errorf("CEL: %s", oneLine(err.Error()))
	}
	return &celFilter{prg: prg, now: now, activations: sync.Pool{New: func() any { return new(activation) }}}, nil
}

// match evaluates the expression on e; errors (missing field, wrong type, cost
// exceeded) and non-boolean results mean no match.
func (c *celFilter) match(e *decode.Envelope) bool {
	a := c.activations.Get().(*activation)
	a.reset(e, c.now)
	out, _, err := c.prg.Eval(a)
	a.reset(nil, time.Time{}) // keep no record alive from the pool
	c.activations.Put(a)
	return err == nil && out == types.True
}

// activation resolves the filter variables from one envelope on demand, so a filter
// that never mentions value never parses it.
type activation struct {
	e                *decode.Envelope
	now              time.Time
	value            ref.Val    // cached: an expression often reads several fields of value
	keyObj, valueObj rootObject // where rootValue keeps an object key or value
}

// reset prepares a for evaluating e. Values handed out for the previous record are
// not used after its evaluation: the result of one is only a bool.
func (a *activation) reset(e *decode.Envelope, now time.Time) {
	a.e, a.now, a.value = e, now, nil
	a.keyObj.reset(nil)
	a.valueObj.reset(nil)
}

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	e := a.e
	switch name {
	case "key":
		return rootValue(e.Key.JSON, &a.keyObj), true
	case "value":
		if a.value == nil {
			a.value = rootValue(e.Value.JSON, &a.valueObj)
		}
		return a.value, true
	case "headers":
		return lazyMap[headerFields]{headerFields(e.Headers)}, true
	case "topic":
		return types.String(e.Topic), true
	case "partition":
		return types.Int(e.Partition), true
	case "offset":
		return types.Int(e.Offset), true
	case "timestamp":
		return types.Timestamp{Time: e.Timestamp}, true
	case "timestamp_type":
		return types.String(e.TimestampType), true
	case "size":
		return types.Int(e.Size), true
	case "key_encoding":
		return types.String(e.Key.Encoding), true
	case "value_encoding":
		return types.String(e.Value.Encoding), true
	case "value_schema_id":
		if e.Value.SchemaID == nil {
			return types.NullValue, true
		}
		return types.Int(*e.Value.SchemaID), true
	case "now":
		return types.Timestamp{Time: a.now}, true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }

// referencedParts reports which record parts a parsed expression reads and whether it
// names any filter variable at all. A loop variable that shadows one counts too; that
// only means a part is decoded, or the text checked as CEL, needlessly.
func referencedParts(a *cel.Ast) (parts Parts, named bool) {
	ast.PreOrderVisit(ast.NavigateAST(a.NativeRep()), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() != ast.IdentKind || !isVariable(e.AsIdent()) {
			return
		}
		named = true
		switch e.AsIdent() {
		case "key", "key_encoding":
			parts |= PartKey
		case "value", "value_encoding", "value_schema_id":
			parts |= PartValue
		case "headers":
			parts |= PartHeaders
		}
	}))
	return parts, named
}

// hasLogic reports whether a parsed expression uses comparison or boolean operators,
// the sign that its author meant a condition rather than words to search for.
func hasLogic(a *cel.Ast) bool {
	found := false
	ast.PreOrderVisit(ast.NavigateAST(a.NativeRep()), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() != ast.CallKind {
			return
		}
		switch e.AsCall().FunctionName() {
		case operators.Equals, operators.NotEquals, operators.Less, operators.LessEquals,
			operators.Greater, operators.GreaterEquals, operators.LogicalAnd, operators.LogicalOr,
			operators.In:
			found = true
		}
	}))
	return found
}

// usesFunction reports whether a checked expression calls the function name.
func usesFunction(a *cel.Ast, name string) bool {
	return len(ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.FunctionMatcher(name))) > 0
}

// hasComprehension reports whether a checked expression contains a loop.
func hasComprehension(a *cel.Ast) bool {
	return len(ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.KindMatcher(ast.ComprehensionKind))) > 0
}

// bareIdent reports whether the expression is nothing but one identifier.
func bareIdent(a *cel.Ast) bool { return a.NativeRep().Expr().Kind() == ast.IdentKind }

// stringLiteral returns the expression's value if it is a single string literal.
func stringLiteral(a *cel.Ast) (string, bool) {
	e := a.NativeRep().Expr()
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().(types.String)
	return string(s), ok
}

// issueError turns CEL's multi-line report into one line: the first problem and
// where it is.
func issueError(iss *cel.Issues) error {
	errs := iss.Errors()
	if len(errs) == 0 {
		return errors.New("CEL: " + oneLine(iss.Err().Error()))
	}
	return errors.New("CEL: " + describeIssue(errs[0]))
}

func describeIssue(e *common.Error) string {
	msg := strings.TrimSuffix(e.Message, " (in container '')")
	if msg == "invalid int literal" {
		msg += " (beyond int64? write it unsigned, like 12345678901234567890u)"
	}
	if col := e.Location.Column(); col >= 0 {
		return fmt.Sprintf("column %d: %s", col+1, oneLine(msg))
	}
	return oneLine(msg)
}

// oneLine keeps a message to one terminal-safe line: CEL quotes the user's input,
// which may hold control characters.
func oneLine(s string) string { return decode.Sanitize(strings.Join(strings.Fields(s), " ")) }
