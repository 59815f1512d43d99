package kql

import (
	"errors"
	"testing"
)

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		// Missing operands.
		{"value missing at end", "event.action:", `line 1, column 14: expected a value after "event.action:" but found end of query`},
		{"value missing after space", "data_stream.dataset:okta.system and event.action: ", `line 1, column 51: expected a value after "event.action:" but found end of query`},
		{"trailing or with space", "a:b or ", `line 1, column 8: expected a query after "or" but found end of query`},
		{"trailing AND and newline", "a:b AND\n", `line 2, column 1: expected a query after "AND" but found end of query`},
		{"trailing not", "a:b and not ", `line 1, column 13: expected a query after "not" but found end of query`},
		{"lone not with space", "not ", `line 1, column 5: expected a query after "not" but found end of query`},
		{"range value missing", "f >= ", `line 1, column 6: expected a value after "f >=" but found end of query`},
		{"nested query missing", "a:{ }", `line 1, column 5: expected a query after "a:{" but found "}"`},
		{"empty parentheses", "()", `line 1, column 2: expected a query after "(" but found ")"`},
		{"empty value list", "f:( )", `line 1, column 5: expected a value after "(" but found ")"`},
		{"value after or in list", "f:(a or )", `line 1, column 9: expected a value after "or" but found ")"`},
		{"starts with colon", ":b", `line 1, column 1: expected a query but found ":"`},

		// Unbalanced brackets.
		{"unclosed parenthesis", "a:b and (c:d or e:f", `line 1, column 20: expected ")" to close the "(" at line 1, column 9 but found end of query`},
		{"unclosed value list", "f:(a or\n  b", `line 2, column 4: expected ")" to close the "(" at line 1, column 3 but found end of query`},
		{"unclosed brace", "a:{ b:c", `line 1, column 8: expected "}" to close the "{" at line 1, column 3 but found end of query`},
		{"extra close parenthesis", "(a:b))", `line 1, column 6: found ")" without a matching "("`},
		{"extra close brace", "a:b }", `line 1, column 5: found "}" without a matching "{"`},
		{"brace without field", "{a:b}", `line 1, column 1: expected a query but found "{"`},
		{"wrong closer", "(a:b}", `line 1, column 5: expected "and", "or" or ")" but found "}"`},

		// Operators written where they cannot act.
		{"double not", "not not a:b", `line 1, column 5: expected a query after "not" but found "not"; a second "not" needs parentheses: not (not ...)`},
		{"not without space", "not(a:b)", `line 1, column 4: expected "and", "or" or end of query but found "("; "not" is an operator only with whitespace after it`},
		{"and without space", "a:b and(c:d)", `line 1, column 8: expected "and", "or" or end of query but found "("; "and" is an operator only with whitespace on both sides`},
		{"and after parenthesis without space", "(a:b)and c:d", `line 1, column 6: expected "and", "or" or end of query but found "and"; "and" is an operator only with whitespace on both sides`},
		{"or at the very end after a quote", `a:"b" or`, `line 1, column 7: expected "and", "or" or end of query but found "or"; the query ends with "or" and nothing after it`},
		{"not between conditions", "a:b not c:d", `line 1, column 5: expected "and", "or" or end of query but found "not"; "not" can only start a condition: write "and not" or "or not"`},
		{"not right after colon", "f:not x", `line 1, column 3: expected a value after "f:" but found "not"; to negate a value put it in parentheses, as in f:(not value), or negate the whole condition: not f:value`},
		{"not inside a word", "f:cannot stop", `line 1, column 6: expected "and", "or" or end of query but found "not"; an unquoted value ends before "not" and whitespace, even inside a word: put the value in double quotes`},

		// Values that run on.
		{"missing and", "a:b c:d", `line 1, column 6: expected "and", "or" or end of query but found ":"; the unquoted value "b c" runs on up to here: join conditions with "and" or "or", and put values that contain spaces in double quotes`},
		{"missing and across lines", "a:b\nc:d", `line 2, column 2: expected "and", "or" or end of query but found ":"; the unquoted value "b\nc" runs on up to here: join conditions with "and" or "or", and put values that contain spaces in double quotes`},
		{"text after a phrase", `a:"b" c`, `line 1, column 7: expected "and", "or" or end of query but found "c"`},
		{"condition in a value list", "f:(a:b)", `line 1, column 5: expected "and", "or" or ")" but found ":"; a value list holds values, not field:value conditions`},
		{"colon before range", "f:<5", `line 1, column 3: expected a value after "f:" but found "<"; a range has no colon: write field < value`},
		{"range with list", "f<(1 or 2)", `line 1, column 3: expected a value after "f <" but found "("; a range takes one value, not a list`},
		{"two ranges", "f<5<6", `line 1, column 4: expected "and", "or" or end of query but found "<"`},

		// Literals.
		{"unterminated quote", `a:"b and c:d`, `line 1, column 3: unterminated quoted string: no closing " before the end of the query`},
		{"escaped closing quote", `a:"b\"`, `line 1, column 3: unterminated quoted string: no closing " before the end of the query`},
		{"escaped space", `f:a\ b`, `line 1, column 4: invalid escape: a backslash before ' ' in an unquoted value; a backslash escapes only \ ( ) : < > " * { }, the keywords and, or and not, and \t \r \n \uXXXX; put the value in double quotes instead`},
		{"unknown escape", `f:\d`, `line 1, column 3: invalid escape: a backslash before 'd' in an unquoted value; a backslash escapes only \ ( ) : < > " * { }, the keywords and, or and not, and \t \r \n \uXXXX; put the value in double quotes instead`},
		{"short unicode escape", `f:\u12`, `line 1, column 3: invalid escape: \u must be followed by four hexadecimal digits, as in \u00e9`},
		{"trailing backslash", `f:a\`, `line 1, column 4: the query ends with a backslash, which escapes nothing; write \\ to match a backslash`},
		{"lone high surrogate", `f:\uD83D`, `line 1, column 3: escape \uD83D is half of a UTF-16 surrogate pair without its other half`},
		{"lone low surrogate in phrase", `f:"\uDE00"`, `line 1, column 4: escape \uDE00 is half of a UTF-16 surrogate pair without its other half`},
		{"invalid UTF-8", "f:a\xffb", `line 1, column 4: invalid UTF-8: byte 0xff is not part of a valid character`},

		// Field names.
		{"empty quoted field", `"":x`, `line 1, column 1: empty field name: a field name needs at least one character`},
		{"unquoted null field", "null:x", `line 1, column 1: null cannot be a field name unquoted (Kibana reads it as "no field" and searches all fields); write "null" in double quotes for a field called null`},

		// Long tokens are cut short in messages.
		{"long found token", `a:"b" abcdefghijklmnopqrstuvwxyz0123456789`, `line 1, column 7: expected "and", "or" or end of query but found "abcdefghijklmnopqrstuvwxyz012345…"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.query)
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want error %s", tt.query, dump(n), tt.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error is %T, want *SyntaxError", tt.query, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Parse(%q) error\n got: %s\nwant: %s", tt.query, got, tt.want)
			}
			if se.Pos.Offset < 0 || se.Pos.Offset > len(tt.query) {
				t.Errorf("Parse(%q) error offset %d is outside the query", tt.query, se.Pos.Offset)
			}
		})
	}
}

func TestSyntaxErrorPosition(t *testing.T) {
	query := "a:b and\n  c:d and\n  e:"
	_, err := Parse(query)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("Parse(%q) error = %v, want *SyntaxError", query, err)
	}
	want := Pos{Offset: len(query), Line: 3, Col: 5}
	if se.Pos != want {
		t.Errorf("error position %+v, want %+v", se.Pos, want)
	}
}
