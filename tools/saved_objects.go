package tools

// Saved objects (/api/saved_objects*): the generic store behind dashboards,
// data views, connectors and most other Kibana objects.
var savedObjectsOperations = []*Operation{}
