package panther

// Internals exposed to the external tests in package panther_test.
var (
	ParseRetryAfter = parseRetryAfter
	IsLoopback      = isLoopback
	CleanMessage    = cleanMessage
)
