package demo

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/kpeek/kpeek/decode/registryserver"
)

//go:embed schemas/*
var schemaFiles embed.FS

// Schema file names under Schemas().
const (
	OrdersV1File  = "orders-v1.avsc"
	OrdersV2File  = "orders-v2.avsc"
	AddressFile   = "address.proto"
	ShipmentsFile = "shipments.proto"
	CustomersFile = "customers.schema.json"
)

// addressImport is the path shipments.proto imports address.proto by, and so the name
// of its schema reference; shipmentsMsgFQ is the message the shipments topic carries.
const (
	addressImport  = "common/address.proto"
	shipmentsMsgFQ = "acme.supply.Shipment"
)

// Registry subjects the demo registers.
const (
	OrdersSubject = "erp.purchasing.orders-value"
	// AddressSubject is named after its import path, as Confluent's default reference
	// subject strategy does; the slash makes clients escape it in registry URLs.
	AddressSubject   = "common/address.proto"
	ShipmentsSubject = "erp.supply.shipments-value"
	CustomersSubject = "crm.customers-value"
)

// Schemas returns the demo's schema texts (the names above), for tests that decode demo data.
func Schemas() fs.FS {
	sub, err := fs.Sub(schemaFiles, "schemas")
	if err != nil {
		// fs.Sub only fails on an invalid path; "schemas" is a constant.
		return schemaFiles
	}
	return sub
}

// SchemaIDs are the registry ids the demo assigned, for tests.
type SchemaIDs struct {
	OrdersV1  int // erp.purchasing.orders-value version 1 (Avro)
	OrdersV2  int // erp.purchasing.orders-value version 2 (Avro, adds approved_by)
	Address   int // common/address.proto (Protobuf, referenced by Shipments)
	Shipments int // erp.supply.shipments-value (Protobuf)
	Customers int // crm.customers-value (JSON Schema)
}

func readSchema(name string) (string, error) {
	b, err := fs.ReadFile(Schemas(), name)
	if err != nil {
		return "", fmt.Errorf("read demo schema %s: %w", name, err)
	}
	return string(b), nil
}

// registerSchemas registers every demo schema in reg, in dependency order.
func registerSchemas(reg *registryserver.Server) (SchemaIDs, error) {
	var ids SchemaIDs
	steps := []struct {
		subject, typ, file string
		refs               []registryserver.Reference
		id                 *int
	}{
		{OrdersSubject, registryserver.TypeAvro, OrdersV1File, nil, &ids.OrdersV1},
		{OrdersSubject, registryserver.TypeAvro, OrdersV2File, nil, &ids.OrdersV2},
		{AddressSubject, registryserver.TypeProtobuf, AddressFile, nil, &ids.Address},
		{ShipmentsSubject, registryserver.TypeProtobuf, ShipmentsFile,
			[]registryserver.Reference{{Name: addressImport, Subject: AddressSubject, Version: 1}}, &ids.Shipments},
		{CustomersSubject, registryserver.TypeJSON, CustomersFile, nil, &ids.Customers},
	}
	for _, s := range steps {
		text, err := readSchema(s.file)
		if err != nil {
			return ids, err
		}
		id, _, err := reg.Register(s.subject, s.typ, text, s.refs)
		if err != nil {
			return ids, fmt.Errorf("register %s from %s: %w", s.subject, s.file, err)
		}
		*s.id = id
	}
	return ids, nil
}
