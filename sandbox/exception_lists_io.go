package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Export and import of an exception list with its items, as ndjson: the
// list, then its items, then Kibana's summary line.

func (k *Kibana) exportExceptionList(c *call) {
	q, ok := exCopyQuery(c, true)
	if !ok {
		return
	}
	st := k.exStoreFor(c.space, q.ns)
	l := st.list(q.id, "")
	if l == nil || l.listID != q.listID {
		epSiemError(c, http.StatusNotFound, fmt.Sprintf("exception list with list_id: %s or id: %s does not exist", q.listID, q.id))
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // one object a line, each ending in \n
	enc.Encode(exListDoc(l))
	n := 0
	for _, it := range st.itemsOf(l.listID) {
		if !q.expired && exExpired(it, k.cfg.Now()) {
			continue
		}
		enc.Encode(exItemDoc(it))
		n++
	}
	enc.Encode(map[string]any{
		"exported_exception_list_count": 1, "exported_exception_list_item_count": n,
		"missing_exception_list_item_count": 0, "missing_exception_list_items": []any{},
		"missing_exception_lists": []any{}, "missing_exception_lists_count": 0,
	})
	c.answered = true
	c.w.Header().Set("Content-Type", "application/ndjson")
	c.w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.ndjson"`, l.listID))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(buf.Bytes())
}

// exImport tallies an import's outcome.
type exImport struct {
	errors                 []any
	lists, items           int
	listErrors, itemErrors bool
}

func (r *exImport) fail(status int, msg string, ids map[string]any) {
	e := map[string]any{"error": map[string]any{"status_code": status, "message": msg}}
	for key, v := range ids {
		e[key] = v
	}
	r.errors = append(r.errors, e)
	if _, isItem := ids["item_id"]; isItem {
		r.itemErrors = true
	} else {
		r.listErrors = true
	}
}

// importExceptionList reads the ndjson of exportExceptionList. overwrite
// replaces lists and items with the same ids; as_new_list gives every list
// a new list_id (and its items new item_ids) instead.
func (k *Kibana) importExceptionList(c *call) {
	overwrite, ok := exQueryBool(c, "overwrite")
	if !ok {
		return
	}
	asNew, ok := exQueryBool(c, "as_new_list")
	if !ok {
		return
	}
	data, ok := exFormFile(c, "file")
	if !ok {
		return
	}
	var lists, items []map[string]any
	res := &exImport{errors: []any{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), maxBody)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal(line, &obj); err != nil {
			res.fail(http.StatusBadRequest, "Unexpected token in JSON: "+err.Error(), nil)
			continue
		}
		switch {
		case obj["exported_exception_list_count"] != nil:
			// the export's summary line
		case obj["item_id"] != nil || obj["entries"] != nil:
			items = append(items, obj)
		default:
			lists = append(lists, obj)
		}
	}
	newListIDs := map[string]string{} // list_id in the file → list_id stored
	for _, obj := range lists {
		in, issues := checkListBody(obj, false)
		if len(issues) > 0 || in.listID == "" {
			if in.listID == "" {
				issues.add("list_id", "Required")
			}
			res.fail(http.StatusBadRequest, strings.Join(issues, ", "), map[string]any{"list_id": obj["list_id"]})
			continue
		}
		st := k.exStoreFor(c.space, in.ns)
		l := &exList{listID: in.listID, typ: in.typ, name: in.name, description: in.description, ns: in.ns,
			osTypes: in.osTypes, tags: in.tags, meta: in.meta, version: in.listVersion}
		existing := st.list("", in.listID)
		switch {
		case asNew:
			l.listID = k.newID()
		case existing != nil && !overwrite:
			res.fail(http.StatusConflict, fmt.Sprintf(`Found that list_id: "%s" already exists. Import of list_id: "%s" skipped.`, in.listID, in.listID), map[string]any{"list_id": in.listID})
			continue
		case existing != nil:
			st.lists = deleteFirst(st.lists, existing)
			l.id = existing.id
		}
		k.addList(c, st, l)
		newListIDs[in.listID] = l.listID
		res.lists++
	}
	for _, obj := range items {
		in, issues := checkExItemBody(obj, false, true, "")
		if len(issues) > 0 {
			res.fail(http.StatusBadRequest, strings.Join(issues, ", "), map[string]any{"item_id": obj["item_id"], "list_id": obj["list_id"]})
			continue
		}
		st := k.exStoreFor(c.space, in.ns)
		listID := in.listID
		if stored, ok := newListIDs[listID]; ok {
			listID = stored
		} else if asNew || st.list("", listID) == nil {
			res.fail(http.StatusNotFound, fmt.Sprintf(`Exception list with list_id: "%s", not found for exception list item with item_id: "%s"`, in.listID, in.itemID), map[string]any{"item_id": in.itemID, "list_id": in.listID})
			continue
		}
		if asNew {
			in.itemID = k.newID()
		}
		if existing := st.item("", in.itemID); existing != nil {
			if !overwrite {
				res.fail(http.StatusConflict, fmt.Sprintf(`Found that item_id: "%s" already exists. Import of item_id: "%s" skipped.`, in.itemID, in.itemID), map[string]any{"item_id": in.itemID, "list_id": in.listID})
				continue
			}
			st.removeItem(existing)
		}
		k.storeItem(c, st, in, listID, in.ns)
		res.items++
	}
	c.ok(map[string]any{
		"errors": res.errors, "success": len(res.errors) == 0, "success_count": res.lists + res.items,
		"success_exception_lists": !res.listErrors, "success_count_exception_lists": res.lists,
		"success_exception_list_items": !res.itemErrors, "success_count_exception_list_items": res.items,
	})
}

func deleteFirst[T comparable](s []T, v T) []T {
	for i, x := range s {
		if x == v {
			return append(s[:i:i], s[i+1:]...)
		}
	}
	return s
}

// exQueryBool reads an optional boolean query parameter.
func exQueryBool(c *call, name string) (bool, bool) {
	s := c.query(name)
	if s == "" {
		return false, true
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		c.badRequest(fmt.Sprintf("[request query]: %s: Expected boolean, received string", name))
		return false, false
	}
	return b, true
}

// exFormFile reads a multipart file part, answering 400 without one.
func exFormFile(c *call, name string) ([]byte, bool) {
	if c.form == nil || len(c.form.File[name]) == 0 {
		c.badRequest(fmt.Sprintf("[request body]: %s: Required", name))
		return nil, false
	}
	fh := c.form.File[name][0]
	if !strings.HasSuffix(fh.Filename, ".ndjson") {
		c.badRequest(fmt.Sprintf("Invalid file extension %s", fileExt(fh.Filename)))
		return nil, false
	}
	f, err := fh.Open()
	if err != nil {
		c.badRequest(err.Error())
		return nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		c.badRequest(err.Error())
		return nil, false
	}
	return data, true
}

func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return "(none)"
}
