package tools

// Timelines, their notes and pinned events (/api/timeline*, /api/timelines, /api/note, /api/pinned_event).
var timelinesOperations = []*Operation{}
