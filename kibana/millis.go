package kibana

import (
	"math"
	"time"
)

// millis is d for the log: every duration the server logs is in
// milliseconds, in a field named …_ms, to one decimal.
func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*10) / 10
}
