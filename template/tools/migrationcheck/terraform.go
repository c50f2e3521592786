package main

import (
	"regexp"
	"strings"
)

var (
	hclAttribute = regexp.MustCompile(`^\s*([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*$`)
	hclString    = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// checkTerraform reads Terraform (.tf): each block's own attributes are a group, so that the
// runtime, handler and architectures of one aws_lambda_function (or of a module call such as
// terraform-aws-modules/lambda) are checked together.
func checkTerraform(file, text string) ([]Finding, error) {
	var (
		groups []*group
		stack  []*group // the open blocks, innermost last
		list   *entry   // a multi-line list being read: architectures = [ ... ]
		listOf string
	)
	for i, raw := range strings.Split(text, "\n") {
		lineNo := i + 1
		code := stripHCLComment(raw)
		if list != nil {
			for _, s := range hclString.FindAllString(code, -1) {
				list.items = append(list.items, item{value: unquote(s), line: lineNo})
			}
			if strings.Contains(code, "]") {
				stack[len(stack)-1].set(listOf, *list)
				list = nil
			}
			continue
		}
		if m := hclAttribute.FindStringSubmatch(code); m != nil && len(stack) > 0 {
			key, value := m[1], m[2]
			e := entry{line: lineNo}
			switch {
			case strings.HasPrefix(value, "[") && !strings.Contains(value, "]"):
				list, listOf = &e, key
				for _, s := range hclString.FindAllString(value, -1) {
					e.items = append(e.items, item{value: unquote(s), line: lineNo})
				}
				continue
			case strings.HasPrefix(value, "["):
				for _, s := range hclString.FindAllString(value, -1) {
					e.items = append(e.items, item{value: unquote(s), line: lineNo})
				}
			case hclString.MatchString(value) && hclString.FindString(value) == value:
				e.value = unquote(value)
				e.literal = isLiteral(value)
			default:
				e.value = value // an expression: var.runtime, local.x
			}
			stack[len(stack)-1].set(key, e)
		}
		// Blocks open and close with braces outside strings.
		bare := hclString.ReplaceAllString(code, `""`)
		for _, c := range bare {
			switch c {
			case '{':
				g := newGroup("")
				groups = append(groups, g)
				stack = append(stack, g)
			case '}':
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
			}
		}
	}
	return checkGroups(file, groups), nil
}

// stripHCLComment drops # and // comments outside strings.
func stripHCLComment(s string) string {
	inString := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && inString:
			i++
		case s[i] == '"':
			inString = !inString
		case !inString && (s[i] == '#' || (s[i] == '/' && i+1 < len(s) && s[i+1] == '/')):
			return s[:i]
		}
	}
	return s
}
