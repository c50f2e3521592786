package main

import (
	"regexp"
	"strings"
)

// The YAML reader is line-based on purpose: CloudFormation's short tags (!Ref, !GetAtt, !Sub)
// need no schema here, and every finding keeps its line. It understands block mappings, block
// and flow lists, list items holding mappings, comments and block scalars, which is all that
// runtimes, handlers and architectures are written with.

var (
	yamlKey          = regexp.MustCompile(`^("[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:(?:\s+(.*))?$`)
	cfnTemplateStart = regexp.MustCompile(`(?m)^(Resources|AWSTemplateFormatVersion)\s*:`)
)

// checkCloudFormationYAML reads SAM and CloudFormation templates; other YAML is skipped.
func checkCloudFormationYAML(file, text string) ([]Finding, error) {
	if !cfnTemplateStart.MatchString(text) {
		return nil, errSkip
	}
	return checkYAMLConfig(file, text)
}

// checkYAMLConfig reads a YAML configuration (CloudFormation, SAM, serverless.yml).
func checkYAMLConfig(file, text string) ([]Finding, error) {
	return checkGroups(file, yamlGroups(text)), nil
}

type yamlNode struct {
	depth int // twice the indentation; a list item's own node sits at twice its dash's column plus one
	path  string
	key   string // "" for a list item
	group *group // the mapping this node holds, created on its first key
}

// yamlGroups returns every mapping of the document as a group.
func yamlGroups(text string) []*group {
	var (
		stack       []*yamlNode
		groups      []*group
		root        = &yamlNode{depth: -1}
		blockIndent = -1 // inside a block scalar (| or >): lines indented deeper than this
	)
	stack = append(stack, root)
	groupOf := func(n *yamlNode) *group {
		if n.group == nil {
			n.group = newGroup(n.path)
			groups = append(groups, n.group)
		}
		return n.group
	}
	popTo := func(depth int, inclusive bool) *yamlNode {
		for len(stack) > 1 {
			top := stack[len(stack)-1]
			if top.depth > depth || (inclusive && top.depth == depth) {
				stack = stack[:len(stack)-1]
				continue
			}
			break
		}
		return stack[len(stack)-1]
	}

	for i, raw := range strings.Split(text, "\n") {
		lineNo := i + 1
		content := strings.TrimSpace(raw)
		indent := len(raw) - len(strings.TrimLeft(raw, " "))
		if blockIndent >= 0 {
			if content == "" || indent > blockIndent {
				continue
			}
			blockIndent = -1
		}
		if content == "" || strings.HasPrefix(content, "#") || content == "---" || content == "..." {
			continue
		}
		content = stripYAMLComment(content)

		if content == "-" || strings.HasPrefix(content, "- ") {
			dash := indent
			rest := strings.TrimSpace(strings.TrimPrefix(content, "-"))
			owner := popTo(2*dash, false)
			if !yamlKey.MatchString(rest) || strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, "[") {
				// A scalar item of the list its owner key holds.
				if owner.key != "" && rest != "" {
					g := groupOf(stack[len(stack)-2])
					e := g.entries[strings.ToLower(owner.key)]
					e.items = append(e.items, item{value: unquote(rest), line: lineNo})
					g.entries[strings.ToLower(owner.key)] = e
				}
				continue
			}
			itemNode := &yamlNode{depth: 2*dash + 1, path: owner.path + "/[]"}
			stack = append(stack, itemNode)
			indent = dash + 2
			content = rest
		}

		m := yamlKey.FindStringSubmatch(content)
		if m == nil {
			continue
		}
		key, value := unquote(strings.TrimSpace(m[1])), strings.TrimSpace(m[2])
		parent := popTo(2*indent, true)
		node := &yamlNode{depth: 2 * indent, key: key}
		node.path = strings.TrimPrefix(parent.path+"/"+key, "/")
		e := entry{value: unquote(value), literal: isLiteral(value), line: lineNo}
		if items, ok := flowItems(value, lineNo); ok {
			e.value, e.items = "", items
		}
		if strings.HasPrefix(value, "|") || strings.HasPrefix(value, ">") {
			e.value, e.literal = "", false
			blockIndent = indent
		}
		groupOf(parent).set(key, e)
		stack = append(stack, node)
	}
	return groups
}

// stripYAMLComment drops a trailing " # comment" outside quotes.
func stripYAMLComment(s string) string {
	return strings.TrimSpace(cutComment(s))
}

// cutComment drops a " # comment" (YAML, shell, make) outside quotes, keeping the indentation.
func cutComment(s string) string {
	inSingle, inDouble := false, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			if !inDouble {
				inSingle = !inSingle
			}
		case '"':
			if !inSingle {
				inDouble = !inDouble
			}
		case '#':
			if !inSingle && !inDouble && i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
				return strings.TrimRight(s[:i], " \t")
			}
		}
	}
	return s
}

// isLiteral tells a plain value from a reference or an expression (!Ref, ${self:...}, {Ref: x}).
func isLiteral(value string) bool {
	v := unquote(strings.TrimSpace(value))
	return v != "" && !strings.HasPrefix(v, "!") && !strings.Contains(v, "${") &&
		!strings.HasPrefix(v, "{") && !strings.HasPrefix(v, "[")
}
