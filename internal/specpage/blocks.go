package specpage

import (
	"bytes"
	"strconv"
	"strings"
)

// Block is one ```json fenced block of a page.
type Block struct {
	// Number is the block's 1-based position among the page's ```json blocks.
	Number int
	// Line is the 1-based line of the opening fence.
	Line int
	// Content is what lies between the fences, byte for byte, except that
	// each line's terminator ("\n" or "\r\n") is written as "\n" and trailing
	// empty lines are dropped: it ends in exactly one "\n". The same page
	// served with CRLF line ends gives the same content.
	Content []byte
}

// Blocks returns every ```json block of a Markdown page, in page order.
//
// Fences are recognised as Panther's pages write them: a JSON block opens
// with a line that is exactly ```json and closes with a line of only
// backticks (at least as many as opened it), at the start of the line. Other
// fenced blocks (``` or ```sh) are skipped whole, so a ```json line inside
// them is not a block. source names the page in errors: a block left open is
// ErrUnclosedBlock, and a fence whose info string starts with "json" in any
// case but is not exactly ```json (```JSON, ```json title) is ErrFence,
// because skipping it would drop an operation without a word.
func Blocks(source string, page []byte) ([]Block, error) {
	var (
		blocks  []Block
		open    *Block // the JSON block being read
		fence   int    // backticks of the open fence (JSON or other); 0 outside
		content []byte
		lineNo  int
	)
	for len(page) > 0 {
		lineNo++
		var line []byte
		if i := bytes.IndexByte(page, '\n'); i >= 0 {
			line, page = page[:i], page[i+1:]
		} else {
			line, page = page, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if fence > 0 {
			if n := backticks(line); n >= fence && n == len(line) {
				if open != nil {
					open.Content = append(bytes.TrimRight(content, "\n"), '\n')
					blocks = append(blocks, *open)
					open, content = nil, nil
				}
				fence = 0
				continue
			}
			if open != nil {
				content = append(append(content, line...), '\n')
			}
			continue
		}
		n := backticks(line)
		if n < 3 {
			continue
		}
		fence = n
		info := string(line[n:])
		if string(line) == "```json" {
			open = &Block{Number: len(blocks) + 1, Line: lineNo}
			continue
		}
		if word, _, _ := strings.Cut(strings.TrimSpace(info), " "); strings.EqualFold(word, "json") {
			return nil, &Error{Source: source, Block: len(blocks) + 1, Line: lineNo, Rule: ErrFence, Detail: "found " + quote(line)}
		}
	}
	if open != nil {
		return nil, &Error{Source: source, Block: open.Number, Line: open.Line, Rule: ErrUnclosedBlock}
	}
	return blocks, nil
}

// backticks counts the backticks a line starts with.
func backticks(line []byte) int {
	n := 0
	for n < len(line) && line[n] == '`' {
		n++
	}
	return n
}

func quote(line []byte) string {
	const max = 80
	if len(line) > max {
		line = append(line[:max:max], "..."...)
	}
	return strconv.Quote(string(line))
}
