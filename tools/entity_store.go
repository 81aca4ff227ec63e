package tools

// The entity store: its engines and the entities they keep (/api/entity_store/*).
var entityStoreOperations = []*Operation{}
