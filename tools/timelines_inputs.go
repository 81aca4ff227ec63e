package tools

import (
	"encoding/json"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// TimelineBody is a saved timeline's members. The common ones are typed;
// the nested query structures show as bare objects and are checked
// against Kibana's shapes by check (timelines_check.go).
type TimelineBody struct {
	Title                   string            `json:"title,omitempty"`
	Description             string            `json:"description,omitempty"`
	TimelineType            string            `json:"timelineType,omitempty" jsonschema:"enum=default,enum=template"`
	Status                  string            `json:"status,omitempty" jsonschema:"enum=active,enum=draft,enum=immutable"`
	TemplateTimelineID      string            `json:"templateTimelineId,omitempty" jsonschema_description:"Templates only."`
	TemplateTimelineVersion *int              `json:"templateTimelineVersion,omitempty" jsonschema:"minimum=1" jsonschema_description:"Templates only."`
	KqlMode                 string            `json:"kqlMode,omitempty" jsonschema_description:"filter or search."`
	KqlQuery                json.RawMessage   `json:"kqlQuery,omitempty" jsonschema_description:"{filterQuery:{kuery:{kind:kuery,expression:KQL}}}"`
	DateRange               json.RawMessage   `json:"dateRange,omitempty" jsonschema_description:"{start,end}: date math, ISO or epoch ms."`
	DataProviders           []json.RawMessage `json:"dataProviders,omitempty" jsonschema_description:"[{id,name,enabled,excluded,type,queryMatch:{field,value,operator:':'},and:[…]}]"`
	Columns                 []json.RawMessage `json:"columns,omitempty" jsonschema_description:"[{id:field,columnHeaderType:not-filtered}]"`
	Filters                 []json.RawMessage `json:"filters,omitempty" jsonschema_description:"Filter bar: [{meta:{key,negate,type,…},query:JSON text}]"`
	IndexNames              []string          `json:"indexNames,omitempty"`
	DataViewID              string            `json:"dataViewId,omitempty"`
	SavedQueryID            *string           `json:"savedQueryId,omitempty"`
	SavedSearchID           *string           `json:"savedSearchId,omitempty" jsonschema_description:"The saved search of its ES|QL tab."`
	Sort                    []json.RawMessage `json:"sort,omitempty" jsonschema_description:"[{columnId,columnType,sortDirection}]"`
	EqlOptions              json.RawMessage   `json:"eqlOptions,omitempty" jsonschema_description:"{query,eventCategoryField,timestampField,tiebreakerField,size}"`
	ExcludedRowRendererIDs  []string          `json:"excludedRowRendererIds,omitempty"`
}

// FindTimelinesInput searches saved timelines or templates.
type FindTimelinesInput struct {
	Search           string `json:"search,omitempty" in:"query" jsonschema_description:"Words of the title."`
	TimelineType     string `json:"timeline_type,omitempty" in:"query" jsonschema:"enum=default,enum=template" jsonschema_description:"Default: default."`
	Status           string `json:"status,omitempty" in:"query" jsonschema:"enum=active,enum=draft,enum=immutable" jsonschema_description:"Default: all but drafts."`
	OnlyUserFavorite bool   `json:"only_user_favorite,omitempty" in:"query"`
	SortField        string `json:"sort_field,omitempty" in:"query" jsonschema:"enum=title,enum=description,enum=updated,enum=created"`
	SortOrder        string `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	PageSize         int    `json:"page_size,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
	PageIndex        int    `json:"page_index,omitempty" in:"query" jsonschema:"minimum=1"`
}

// Prepare asks for a small page: a timeline with its notes runs to a few KB.
func (in *FindTimelinesInput) Prepare() error {
	if in.PageSize == 0 {
		in.PageSize = 10
	}
	return nil
}

// TimelineLookupInput names one timeline, or one template by its template
// id.
type TimelineLookupInput struct {
	ID                 string `json:"id,omitempty" in:"query" jsonschema_description:"The timeline's savedObjectId."`
	TemplateTimelineID string `json:"template_timeline_id,omitempty" in:"query" jsonschema_description:"Instead of id, for a template."`
}

// Prepare requires exactly one of the two ids.
func (in *TimelineLookupInput) Prepare() error {
	switch {
	case in.ID == "" && in.TemplateTimelineID == "":
		return &schema.ArgumentError{Field: "id", Rule: "is required (or template_timeline_id for a template)"}
	case in.ID != "" && in.TemplateTimelineID != "":
		return &schema.ArgumentError{Field: "template_timeline_id", Rule: "cannot be combined with id; give one of them"}
	}
	return nil
}

// CreateTimelineInput is a new timeline or template.
type CreateTimelineInput struct {
	Timeline TimelineBody `json:"timeline" jsonschema:"required"`
}

// Prepare checks the timeline's members.
func (in *CreateTimelineInput) Prepare() error { return in.Timeline.check("timeline", true) }

// PatchTimelineInput changes some members of a saved timeline.
type PatchTimelineInput struct {
	TimelineID string       `json:"timelineId" jsonschema:"required,minLength=1" jsonschema_description:"The timeline's savedObjectId."`
	Version    string       `json:"version" jsonschema:"required,minLength=1" jsonschema_description:"Its current version; 409 if it changed."`
	Timeline   TimelineBody `json:"timeline" jsonschema:"required" jsonschema_description:"Only the members to change."`
}

// Prepare checks the members to change, of which there must be one.
func (in *PatchTimelineInput) Prepare() error {
	if b, _ := json.Marshal(in.Timeline); string(b) == "{}" {
		return &schema.ArgumentError{Field: "timeline", Rule: "sets nothing; give the members to change"}
	}
	return in.Timeline.check("timeline", false)
}

// DeleteTimelinesInput names the timelines to delete.
type DeleteTimelinesInput struct {
	SavedObjectIDs []string `json:"savedObjectIds" jsonschema:"required,minItems=1,minLength=1"`
	SearchIDs      []string `json:"searchIds,omitempty" jsonschema_description:"Saved searches (ES|QL tab) to delete with them."`
}

// CopyTimelineInput is the new timeline and the one whose notes and pins it
// takes.
type CopyTimelineInput struct {
	TimelineIDToCopy string       `json:"timelineIdToCopy" jsonschema:"required,minLength=1"`
	Timeline         TimelineBody `json:"timeline" jsonschema:"required" jsonschema_description:"The copy's members; nothing else is taken from the source."`
}

// Prepare checks the copy's members.
func (in *CopyTimelineInput) Prepare() error { return in.Timeline.check("timeline", true) }

// DraftTimelineQueryInput names the kind of draft to read.
type DraftTimelineQueryInput struct {
	TimelineType string `json:"timelineType" in:"query" jsonschema:"required,enum=default,enum=template"`
}

// DraftTimelineInput names the kind of draft to start.
type DraftTimelineInput struct {
	TimelineType string `json:"timelineType" jsonschema:"required,enum=default,enum=template"`
}

// FavoriteTimelineInput toggles the caller's favorite. Kibana requires the
// template members in every body, null for a timeline.
type FavoriteTimelineInput struct {
	TimelineID              string  `json:"timelineId" jsonschema:"required,minLength=1"`
	TimelineType            *string `json:"timelineType" jsonschema:"enum=default,enum=template" jsonschema_description:"Default: default."`
	TemplateTimelineID      *string `json:"templateTimelineId" jsonschema_description:"Templates only."`
	TemplateTimelineVersion *int    `json:"templateTimelineVersion" jsonschema:"minimum=1" jsonschema_description:"Templates only."`
}

// Prepare keeps the template members to templates and names the type
// (the spec's schema refuses a null one, though Kibana reads it as
// default).
func (in *FavoriteTimelineInput) Prepare() error {
	if in.TimelineType == nil {
		kind := "default"
		in.TimelineType = &kind
	}
	isTemplate := *in.TimelineType == "template"
	switch {
	case in.TemplateTimelineID != nil && !isTemplate:
		return &schema.ArgumentError{Field: "templateTimelineId", Rule: "applies only with timelineType template"}
	case in.TemplateTimelineVersion != nil && !isTemplate:
		return &schema.ArgumentError{Field: "templateTimelineVersion", Rule: "applies only with timelineType template"}
	}
	return nil
}

// ExportTimelinesInput picks the timelines to export.
type ExportTimelinesInput struct {
	IDs      []string `json:"ids,omitempty" jsonschema:"minItems=1,maxItems=10000,minLength=1" jsonschema_description:"savedObjectIds; default all timelines and templates but drafts."`
	FileName string   `json:"file_name,omitempty" in:"query" jsonschema_description:"Default timelines_export.ndjson."`
}

// Prepare names the file Kibana labels the export with; import_timelines
// refuses files not named .ndjson.
func (in *ExportTimelinesInput) Prepare() error {
	if in.FileName == "" {
		in.FileName = "timelines_export.ndjson"
	}
	if !strings.HasSuffix(in.FileName, ".ndjson") {
		return &schema.ArgumentError{Field: "file_name", Rule: "must end in .ndjson"}
	}
	return nil
}

// ImportTimelinesInput is an export_timelines file.
type ImportTimelinesInput struct {
	File        string `json:"file" in:"formfile,ndjson" jsonschema:"required,minLength=1" jsonschema_description:"ndjson: one timeline a line, with globalNotes, eventNotes, pinnedEventIds."`
	IsImmutable *bool  `json:"isImmutable,omitempty" in:"form" jsonschema_description:"Import as immutable (like Elastic's templates)."`
}

// Prepare checks that every line is a JSON object, naming the first that
// is not: Kibana would fail that timeline with a parse error.
func (in *ImportTimelinesInput) Prepare() error {
	return checkNDJSON("file", in.File, "holds no timeline; give export_timelines' ndjson")
}

// InstallPrebuiltTimelinesInput takes no arguments. Kibana installs the
// templates it ships, but its schema requires these three lists in the
// body; Prepare sends them empty.
type InstallPrebuiltTimelinesInput struct {
	TimelinesToInstall   []any `json:"timelinesToInstall" jsonschema:"-"`
	TimelinesToUpdate    []any `json:"timelinesToUpdate" jsonschema:"-"`
	PrepackagedTimelines []any `json:"prepackagedTimelines" jsonschema:"-"`
}

// Prepare fills the required lists.
func (in *InstallPrebuiltTimelinesInput) Prepare() error {
	in.TimelinesToInstall, in.TimelinesToUpdate, in.PrepackagedTimelines = []any{}, []any{}, []any{}
	return nil
}

// GetNotesInput selects notes by event, by timeline, or by search.
type GetNotesInput struct {
	DocumentIDs      []string `json:"documentIds,omitempty" in:"query" jsonschema:"minItems=1,minLength=1" jsonschema_description:"Event (alert) _ids."`
	SavedObjectIDs   []string `json:"savedObjectIds,omitempty" in:"query" jsonschema:"minItems=1,minLength=1" jsonschema_description:"Timeline savedObjectIds."`
	Search           string   `json:"search,omitempty" in:"query"`
	Filter           string   `json:"filter,omitempty" in:"query" jsonschema_description:"KQL on note attributes."`
	CreatedByFilter  string   `json:"createdByFilter,omitempty" in:"query" jsonschema_description:"Username."`
	AssociatedFilter string   `json:"associatedFilter,omitempty" in:"query" jsonschema:"enum=all,enum=document_only,enum=saved_object_only,enum=document_and_saved_object,enum=orphan"`
	SortField        string   `json:"sortField,omitempty" in:"query" jsonschema_description:"created or updated."`
	SortOrder        string   `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page             int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage          int      `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
}

// Prepare keeps the three ways of selecting notes apart: Kibana answers
// notes of documents or timelines whole, ignoring search and paging.
func (in *GetNotesInput) Prepare() error {
	if len(in.DocumentIDs) > 0 && len(in.SavedObjectIDs) > 0 {
		return &schema.ArgumentError{Field: "savedObjectIds", Rule: "cannot be combined with documentIds; give one of them"}
	}
	if len(in.DocumentIDs) == 0 && len(in.SavedObjectIDs) == 0 {
		return nil
	}
	for name, set := range map[string]bool{
		"search": in.Search != "", "filter": in.Filter != "", "createdByFilter": in.CreatedByFilter != "", "associatedFilter": in.AssociatedFilter != "",
		"sortField": in.SortField != "", "sortOrder": in.SortOrder != "", "page": in.Page != 0, "perPage": in.PerPage != 0,
	} {
		if set {
			return &schema.ArgumentError{Field: name, Rule: "applies only without documentIds and savedObjectIds"}
		}
	}
	return nil
}

// AddNoteInput is a new note, or new text for the note noteId names.
type AddNoteInput struct {
	Note    NoteBody `json:"note" jsonschema:"required"`
	NoteID  string   `json:"noteId,omitempty" jsonschema_description:"To change this note instead of adding one."`
	Version string   `json:"version,omitempty" jsonschema_description:"With noteId: its current version; 409 if it changed."`
}

// NoteBody is what a note says and what it is attached to.
type NoteBody struct {
	TimelineID string `json:"timelineId" jsonschema:"required" jsonschema_description:"The timeline's savedObjectId; empty for a note on an event only."`
	EventID    string `json:"eventId,omitempty" jsonschema_description:"The event (alert) _id it is about."`
	Note       string `json:"note" jsonschema:"required,minLength=1" jsonschema_description:"Markdown."`
}

// Prepare checks the note is attached to something and version goes with
// noteId.
func (in *AddNoteInput) Prepare() error {
	switch {
	case in.Version != "" && in.NoteID == "":
		return &schema.ArgumentError{Field: "version", Rule: "applies only with noteId"}
	case in.Note.TimelineID == "" && in.Note.EventID == "":
		return &schema.ArgumentError{Field: "note.timelineId", Rule: "is empty and so is note.eventId; attach the note to a timeline, an event or both"}
	case strings.TrimSpace(in.Note.Note) == "":
		return &schema.ArgumentError{Field: "note.note", Rule: "must not be blank"}
	}
	return nil
}

// DeleteNotesInput names the notes to delete.
type DeleteNotesInput struct {
	NoteIDs []string `json:"noteIds" jsonschema:"required,minItems=1,minLength=1"`
}

// PinEventInput pins or unpins one event on a timeline.
type PinEventInput struct {
	TimelineID    string `json:"timelineId" jsonschema:"required,minLength=1"`
	EventID       string `json:"eventId" jsonschema:"required,minLength=1" jsonschema_description:"The event (alert) _id."`
	PinnedEventID string `json:"pinnedEventId,omitempty" jsonschema_description:"To unpin: the pin's id (pinnedEventsSaveObject)."`
}
