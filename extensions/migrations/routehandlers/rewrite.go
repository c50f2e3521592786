package main

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

const eventsPath = "github.com/aws/aws-lambda-go/events"

// The request fields 0.2.0 renamed, and those middleware.Request no longer has.
var (
	renamedRequestFields = map[string]string{"HTTPMethod": "Method", "Resource": "Route", "QueryStringParameters": "Query"}
	droppedRequestFields = map[string]bool{
		"RequestContext": true, "StageVariables": true,
		"MultiValueHeaders": true, "MultiValueQueryStringParameters": true,
	}
	responseFields = map[string]bool{"StatusCode": true, "Headers": true, "Body": true}
	// Middleware that take a Handler: their argument is a route handler.
	handlerMiddleware = map[string]bool{"Wrap": true, "Logging": true, "Recover": true, "MapErrors": true}
)

// funcKey names a function or method of the package being migrated.
type funcKey struct {
	method bool
	name   string
}

// conversion says which parameters become middleware.Request and whether the
// first result becomes middleware.Response.
type conversion struct {
	params map[int]bool
	result bool
}

type edit struct {
	start, end int
	text       string
}

type goFile struct {
	name  string
	src   []byte
	ast   *ast.File
	mw    string // local name of the middleware import, "" when not imported
	ev    string // local name of the events import, "" when not imported
	edits []edit
}

type pkgMigration struct {
	fset          *token.FileSet
	files         []*goFile
	middleware    string // import path of pkg/middleware
	convert       map[funcKey]*conversion
	literals      []*ast.FuncLit // handler literals, converted in place
	literalFile   map[*ast.FuncLit]*goFile
	handlerFields map[string]bool // struct fields that hold the Lambda entry point
	notes         []string
}

// MigratePackage rewrites the files of one package directory (name -> source)
// and returns those it changed, with notes on what it could not do.
func MigratePackage(sources map[string][]byte, middlewarePath string) (map[string][]byte, []string) {
	m := &pkgMigration{
		fset: token.NewFileSet(), middleware: middlewarePath,
		convert: map[funcKey]*conversion{}, literalFile: map[*ast.FuncLit]*goFile{}, handlerFields: map[string]bool{},
	}
	for _, name := range sortedKeys(sources) {
		f, err := parser.ParseFile(m.fset, name, sources[name], parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			m.notes = append(m.notes, name+": not migrated, it does not parse (conflict markers?): "+err.Error())
			continue
		}
		gf := &goFile{name: name, src: sources[name], ast: f}
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			switch path {
			case middlewarePath:
				gf.mw = importName(spec, "middleware")
			case eventsPath:
				gf.ev = importName(spec, "events")
			}
		}
		m.files = append(m.files, gf)
	}
	for _, f := range m.files {
		if f.mw != "" {
			m.findRoutes(f)
		}
	}
	m.propagate()
	m.rewrite()
	changed := map[string][]byte{}
	for _, f := range m.files {
		if out, ok := m.apply(f); ok {
			changed[f.name] = out
		}
	}
	return changed, m.notes
}

func importName(spec *ast.ImportSpec, def string) string {
	if spec.Name != nil {
		return spec.Name.Name
	}
	return def
}

// --- finding the route handlers ---------------------------------------------

func (m *pkgMigration) findRoutes(f *goFile) {
	ast.Inspect(f.ast, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit:
			switch {
			case isSel(n.Type, f.mw, "Routes"):
				for _, route := range n.Elts {
					if kv, ok := route.(*ast.KeyValueExpr); ok {
						if methods, ok := kv.Value.(*ast.CompositeLit); ok {
							m.handlerValues(f, methods)
						}
					}
				}
			case isHandlerMap(n.Type, f.mw):
				m.handlerValues(f, n)
			}
			for _, elt := range n.Elts {
				if kv, ok := elt.(*ast.KeyValueExpr); ok && m.isEntryPoint(f, kv.Value) {
					if key, ok := kv.Key.(*ast.Ident); ok {
						m.handlerFields[key.Name] = true
					}
				}
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && isPkg(sel.X, f.mw) && handlerMiddleware[sel.Sel.Name] && len(n.Args) == 1 {
				m.handler(f, n.Args[0])
				if sel.Sel.Name == "Wrap" && isCallOf(n.Args[0], f.mw, "Router") {
					// Router applies Wrap itself since 0.2.0; the adapter makes the entry point.
					f.replace(m.fset, sel.Sel, "APIGatewayProxy")
				}
			}
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if sel, ok := lhs.(*ast.SelectorExpr); ok && i < len(n.Rhs) && m.isEntryPoint(f, n.Rhs[i]) {
					m.handlerFields[sel.Sel.Name] = true
				}
			}
		case *ast.FuncDecl:
			// A middleware of the user's own returns a Handler literal.
			if n.Body != nil && resultsMention(n.Type, f.mw, "Handler") {
				ast.Inspect(n.Body, func(n ast.Node) bool {
					if lit, ok := n.(*ast.FuncLit); ok {
						m.addLiteral(f, lit)
					}
					return true
				})
			}
		}
		return true
	})
}

func (m *pkgMigration) handlerValues(f *goFile, lit *ast.CompositeLit) {
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			m.handler(f, kv.Value)
		}
	}
}

// handler records e, used where a route handler goes, for conversion.
func (m *pkgMigration) handler(f *goFile, e ast.Expr) {
	switch e := e.(type) {
	case *ast.FuncLit:
		m.addLiteral(f, e)
	case *ast.CallExpr: // a middleware of the user's own around the handler
		for _, arg := range e.Args {
			m.handler(f, arg)
		}
	default:
		if key, ok := m.calleeKey(f, e); ok {
			m.want(key, 1, true)
		}
	}
}

func (m *pkgMigration) addLiteral(f *goFile, lit *ast.FuncLit) {
	if _, seen := m.literalFile[lit]; !seen {
		m.literalFile[lit] = f
		m.literals = append(m.literals, lit)
	}
}

// isEntryPoint reports whether e builds the Lambda entry point from a router:
// middleware.Wrap(middleware.Router(...)) before 0.2.0, APIGatewayProxy(...) after.
func (m *pkgMigration) isEntryPoint(f *goFile, e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	return isCallOf(call, f.mw, "APIGatewayProxy") || (isCallOf(call, f.mw, "Wrap") && isCallOf(call.Args[0], f.mw, "Router"))
}

// calleeKey names the package function (f) or method (x.f) that e refers to.
func (m *pkgMigration) calleeKey(f *goFile, e ast.Expr) (funcKey, bool) {
	switch e := e.(type) {
	case *ast.Ident:
		return funcKey{name: e.Name}, true
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && m.isImport(f, x.Name) {
			return funcKey{}, false
		}
		return funcKey{method: true, name: e.Sel.Name}, true
	}
	return funcKey{}, false
}

func (m *pkgMigration) isImport(f *goFile, name string) bool {
	for _, spec := range f.ast.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		if importName(spec, path[strings.LastIndex(path, "/")+1:]) == name {
			return true
		}
	}
	return false
}

// want asks for parameter param (-1: none) and, with result, the first
// result of key to be converted. It reports whether that is new.
func (m *pkgMigration) want(key funcKey, param int, result bool) bool {
	c := m.convert[key]
	if c == nil {
		c = &conversion{params: map[int]bool{}}
		m.convert[key] = c
	}
	added := false
	if param >= 0 && !c.params[param] {
		c.params[param], added = true, true
	}
	if result && !c.result {
		c.result, added = true, true
	}
	return added
}

// propagate follows the request and the response out of converted functions:
// a helper the request is passed to takes a Request too, and a helper whose
// result is returned as the response returns a Response.
func (m *pkgMigration) propagate() {
	for changed := true; changed; {
		changed = false
		m.eachConverted(func(f *goFile, fn *ast.FuncType, body *ast.BlockStmt, c *conversion) {
			if m.scanCalls(f, fn, body, c) {
				changed = true
			}
		})
	}
}

func (m *pkgMigration) scanCalls(f *goFile, fn *ast.FuncType, body *ast.BlockStmt, c *conversion) bool {
	requests := convertedParamNames(f, fn, c)
	added := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			for i, arg := range n.Args {
				if id, ok := arg.(*ast.Ident); ok && requests[id.Name] {
					if key, ok := m.calleeKey(f, n.Fun); ok && m.want(key, i, false) {
						added = true
					}
				}
			}
		case *ast.ReturnStmt:
			if c.result && len(n.Results) > 0 {
				if call, ok := n.Results[0].(*ast.CallExpr); ok {
					if key, ok := m.calleeKey(f, call.Fun); ok && m.want(key, -1, true) {
						added = true
					}
				}
			}
		}
		return true
	})
	return added
}

// eachConverted calls visit for every function declaration and handler
// literal that has a conversion.
func (m *pkgMigration) eachConverted(visit func(*goFile, *ast.FuncType, *ast.BlockStmt, *conversion)) {
	for _, f := range m.files {
		for _, decl := range f.ast.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if c := m.convert[funcKey{method: fd.Recv != nil, name: fd.Name.Name}]; c != nil {
				visit(f, fd.Type, fd.Body, c)
			}
		}
	}
	for _, lit := range m.literals {
		visit(m.literalFile[lit], lit.Type, lit.Body, &conversion{params: map[int]bool{1: true}, result: true})
	}
}

// --- rewriting ---------------------------------------------------------------

func (m *pkgMigration) rewrite() {
	m.eachConverted(m.convertFunc)
	for _, f := range m.files {
		if f.mw == "" && f.ev == "" {
			continue
		}
		m.rewriteHandlerFields(f)
	}
}

func (m *pkgMigration) convertFunc(f *goFile, fn *ast.FuncType, body *ast.BlockStmt, c *conversion) {
	if f.ev == "" {
		return // nothing of the old form can be in a file without the events import
	}
	mw := f.middlewareName()
	requests := map[string]bool{}
	for i, p := range params(fn) {
		if !c.params[i] || !isSel(p.field.Type, f.ev, "APIGatewayProxyRequest") {
			continue
		}
		if len(p.field.Names) > 1 {
			m.note(f, p.field.Pos(), "split the parameters "+namesOf(p.field)+" and change the request's type to "+mw+".Request")
			continue
		}
		f.replace(m.fset, p.field.Type, mw+".Request")
		if p.name != "" && p.name != "_" {
			requests[p.name] = true
		}
	}
	result := c.result && fn.Results != nil && len(fn.Results.List) > 0 && isSel(fn.Results.List[0].Type, f.ev, "APIGatewayProxyResponse")
	if result {
		f.replace(m.fset, fn.Results.List[0].Type, mw+".Response")
	}
	if len(requests) == 0 && !result {
		return
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && requests[x.Name] {
				if to, ok := renamedRequestFields[n.Sel.Name]; ok {
					f.replace(m.fset, n.Sel, to)
				} else if droppedRequestFields[n.Sel.Name] {
					m.note(f, n.Pos(), x.Name+"."+n.Sel.Name+" is not on "+mw+
						".Request: read it in Handle from the events request and pass what the route needs through the context")
				}
			}
			if result && isSel(n, f.ev, "APIGatewayProxyResponse") {
				f.replace(m.fset, n, mw+".Response")
			}
		case *ast.IndexExpr:
			if sel, ok := n.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Headers" {
				if x, ok := sel.X.(*ast.Ident); ok && requests[x.Name] {
					f.lowerCaseKey(m.fset, n.Index)
				}
			}
		case *ast.CompositeLit:
			if result && isSel(n.Type, f.ev, "APIGatewayProxyResponse") {
				for _, elt := range n.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						if key, ok := kv.Key.(*ast.Ident); ok && !responseFields[key.Name] {
							m.note(f, kv.Pos(), key.Name+" is not on "+mw+".Response (it has StatusCode, Headers and Body)")
						}
					}
				}
			}
		}
		return true
	})
}

// rewriteHandlerFields gives the struct fields and variables that hold the
// Lambda entry point the entry point's own type: since 0.2.0
// middleware.Handler is the route type, not the Lambda handler's.
func (m *pkgMigration) rewriteHandlerFields(f *goFile) {
	if f.mw == "" {
		return
	}
	ev := f.ev
	if ev == "" {
		ev = "events"
	}
	entryType := "func(context.Context, " + ev + ".APIGatewayProxyRequest) (" + ev + ".APIGatewayProxyResponse, error)"
	ast.Inspect(f.ast, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.StructType:
			for _, field := range n.Fields.List {
				if isSel(field.Type, f.mw, "Handler") && anyNamed(field, m.handlerFields) {
					f.replace(m.fset, field.Type, entryType)
				}
			}
		case *ast.ValueSpec:
			if isSel(n.Type, f.mw, "Handler") && len(n.Values) == 1 && m.isEntryPoint(f, n.Values[0]) {
				f.replace(m.fset, n.Type, entryType)
			}
		}
		return true
	})
}

// --- applying the edits ------------------------------------------------------

func (f *goFile) replace(fset *token.FileSet, n ast.Node, text string) {
	start, end := fset.Position(n.Pos()).Offset, fset.Position(n.End()).Offset
	if string(f.src[start:end]) != text {
		f.edits = append(f.edits, edit{start, end, text})
	}
}

func (f *goFile) lowerCaseKey(fset *token.FileSet, key ast.Expr) {
	lit, ok := key.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return
	}
	value, err := strconv.Unquote(lit.Value)
	if err == nil && strings.ToLower(value) != value {
		f.replace(fset, lit, strconv.Quote(strings.ToLower(value)))
	}
}

func (f *goFile) middlewareName() string {
	if f.mw != "" {
		return f.mw
	}
	return "middleware"
}

// apply returns f's source with its edits, its imports fixed, gofmt-ed.
func (m *pkgMigration) apply(f *goFile) ([]byte, bool) {
	if len(f.edits) == 0 {
		return nil, false
	}
	sort.SliceStable(f.edits, func(i, j int) bool { return f.edits[i].start > f.edits[j].start })
	out := append([]byte(nil), f.src...)
	last := len(out) + 1
	for _, e := range f.edits {
		if e.end > last {
			continue // the same node reached twice
		}
		out = append(out[:e.start], append([]byte(e.text), out[e.end:]...)...)
		last = e.start
	}
	out, err := fixImports(out, map[string]string{
		f.middlewareName(): m.middleware, "events": eventsPath, "context": "context",
	}, f.ev)
	if err == nil {
		out, err = format.Source(out)
	}
	if err != nil {
		m.notes = append(m.notes, f.name+": not migrated: "+err.Error())
		return nil, false
	}
	return out, true
}

// fixImports adds the imports of wanted (local name -> path) the source now
// uses and drops the events import (named events) when nothing uses it.
func fixImports(src []byte, wanted map[string]string, events string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok {
				used[x.Name] = true
			}
		}
		return true
	})
	imported := map[string]*ast.ImportSpec{}
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		imported[path] = spec
	}
	if spec := imported[eventsPath]; spec != nil && events != "" && !used[events] {
		return fixImports(removeLine(src, fset, spec, f), wanted, "")
	}
	for _, name := range sortedKeys(wanted) {
		path := wanted[name]
		if used[name] && imported[path] == nil {
			spec := strconv.Quote(path)
			if name != path[strings.LastIndex(path, "/")+1:] {
				spec = name + " " + spec
			}
			return fixImports(addImport(src, fset, f, spec), wanted, events)
		}
	}
	return src, nil
}

func removeLine(src []byte, fset *token.FileSet, spec *ast.ImportSpec, f *ast.File) []byte {
	var node ast.Node = spec
	for _, decl := range f.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && !gd.Lparen.IsValid() && gd.Specs[0] == spec {
			node = gd
		}
	}
	start := lineStart(src, fset.Position(node.Pos()).Offset)
	end := fset.Position(node.End()).Offset
	if i := strings.IndexByte(string(src[end:]), '\n'); i >= 0 {
		end += i + 1
	}
	return append(append([]byte(nil), src[:start]...), src[end:]...)
}

func addImport(src []byte, fset *token.FileSet, f *ast.File, spec string) []byte {
	for _, decl := range f.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && gd.Lparen.IsValid() {
			at := lineStart(src, fset.Position(gd.Rparen).Offset)
			return insert(src, at, "\t"+spec+"\n")
		}
	}
	at := fset.Position(f.Name.End()).Offset
	return insert(src, at, "\n\nimport "+spec)
}

func insert(src []byte, at int, text string) []byte {
	return append(append(append([]byte(nil), src[:at]...), text...), src[at:]...)
}

func lineStart(src []byte, offset int) int {
	return strings.LastIndexByte(string(src[:offset]), '\n') + 1
}

// --- small AST helpers ---------------------------------------------------------

type param struct {
	field *ast.Field
	name  string
}

// params flattens fn's parameters: one entry per parameter, in order.
func params(fn *ast.FuncType) []param {
	var out []param
	for _, field := range fn.Params.List {
		if len(field.Names) == 0 {
			out = append(out, param{field: field})
		}
		for _, name := range field.Names {
			out = append(out, param{field: field, name: name.Name})
		}
	}
	return out
}

func convertedParamNames(f *goFile, fn *ast.FuncType, c *conversion) map[string]bool {
	names := map[string]bool{}
	for i, p := range params(fn) {
		if c.params[i] && p.name != "" && (isSel(p.field.Type, f.ev, "APIGatewayProxyRequest") || isSel(p.field.Type, f.middlewareName(), "Request")) {
			names[p.name] = true
		}
	}
	return names
}

func isSel(e ast.Expr, pkg, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	return ok && pkg != "" && sel.Sel.Name == name && isPkg(sel.X, pkg)
}

func isPkg(e ast.Expr, pkg string) bool {
	id, ok := e.(*ast.Ident)
	return ok && pkg != "" && id.Name == pkg
}

func isCallOf(e ast.Expr, pkg, name string) bool {
	call, ok := e.(*ast.CallExpr)
	return ok && isSel(call.Fun, pkg, name)
}

func isHandlerMap(e ast.Expr, mw string) bool {
	mt, ok := e.(*ast.MapType)
	return ok && isSel(mt.Value, mw, "Handler")
}

func resultsMention(fn *ast.FuncType, pkg, name string) bool {
	if fn.Results == nil {
		return false
	}
	for _, r := range fn.Results.List {
		if isSel(r.Type, pkg, name) {
			return true
		}
	}
	return false
}

func anyNamed(field *ast.Field, names map[string]bool) bool {
	for _, n := range field.Names {
		if names[n.Name] {
			return true
		}
	}
	return false
}

func namesOf(field *ast.Field) string {
	names := make([]string, len(field.Names))
	for i, n := range field.Names {
		names[i] = n.Name
	}
	return strings.Join(names, ", ")
}

func (m *pkgMigration) note(f *goFile, pos token.Pos, what string) {
	m.notes = append(m.notes, position(f.name, m.fset.Position(pos).Line)+": "+what)
}
