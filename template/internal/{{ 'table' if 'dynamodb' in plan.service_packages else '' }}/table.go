// Package table is a small single-table-design helper over Amazon DynamoDB.
//
// Items are addressed by a [Key] made of the string attributes "PK" (partition
// key) and "SK" (sort key). Go values are converted with the attributevalue
// package, so struct fields are named with `dynamodbav:"..."` tags. Writes are
// conditional: [Table.Put] never overwrites an existing item and
// [Table.Update] / [Table.Delete] never create or silently ignore a missing one.
//
// Failures that callers usually branch on are reported as the sentinel errors
// [ErrNotFound], [ErrConflict] and [ErrThrottled]; test them with errors.Is.
// The underlying SDK error stays in the chain for errors.As.
package table

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// Attribute names of the table's primary key.
const (
	PartitionKeyName = "PK"
	SortKeyName      = "SK"
)

// Sentinel errors. Errors returned by [Table] wrap at most one of them
// together with the SDK error that caused it.
var (
	// ErrNotFound means the addressed item does not exist.
	ErrNotFound = errors.New("table: item not found")
	// ErrConflict means an item with the same key already exists.
	ErrConflict = errors.New("table: item already exists")
	// ErrThrottled means DynamoDB rejected the request for exceeding
	// throughput or request limits, after the SDK's own retries.
	ErrThrottled = errors.New("table: request throttled")
)

// API is the subset of the DynamoDB client used by [Table].
// *dynamodb.Client satisfies it.
type API interface {
	PutItem(ctx context.Context, params *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(ctx context.Context, params *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Query(ctx context.Context, params *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	UpdateItem(ctx context.Context, params *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, params *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Key is the primary key of an item. SK may be empty for tables that have
// only a partition key.
type Key struct {
	PK string `dynamodbav:"PK"`
	SK string `dynamodbav:"SK,omitempty"`
}

// Table reads and writes the items of one DynamoDB table.
// It holds no mutable state and is safe for concurrent use.
type Table struct {
	api  API
	name string
}

// New returns a Table for the table called name (or its ARN), using api
// (normally a *dynamodb.Client) for every call.
func New(api API, name string) *Table {
	return &Table{api: api, name: name}
}

// Name returns the table name the Table was created with.
func (t *Table) Name() string { return t.name }

// Put writes item, which must marshal (with the attributevalue package) to a
// map containing the key attribute "PK". It fails with [ErrConflict] if an item
// with the same key already exists.
func (t *Table) Put(ctx context.Context, item any) error {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return fmt.Errorf("table: put: marshal item: %w", err)
	}
	if _, ok := av[PartitionKeyName]; !ok {
		return fmt.Errorf("table: put: item has no %q attribute", PartitionKeyName)
	}
	expr, err := expression.NewBuilder().
		WithCondition(expression.AttributeNotExists(expression.Name(PartitionKeyName))).
		Build()
	if err != nil {
		return fmt.Errorf("table: put: build expression: %w", err)
	}
	_, err = t.api.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 aws.String(t.name),
		Item:                      av,
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	})
	if err != nil {
		return mapError("put", err, ErrConflict)
	}
	return nil
}

// Get reads the item with the given key into out, which must be a non-nil
// pointer (to a struct with dynamodbav tags, or a map). It fails with
// [ErrNotFound] if there is no such item. Reads are eventually consistent.
func (t *Table) Get(ctx context.Context, key Key, out any) error {
	k, err := marshalKey(key)
	if err != nil {
		return fmt.Errorf("table: get: %w", err)
	}
	res, err := t.api.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(t.name),
		Key:       k,
	})
	if err != nil {
		return mapError("get", err, nil)
	}
	if len(res.Item) == 0 {
		return fmt.Errorf("table: get: %w", ErrNotFound)
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return fmt.Errorf("table: get: unmarshal item: %w", err)
	}
	return nil
}

// QueryIndex reads every item whose attribute partitionKeyName equals value
// from the global secondary index called index (or from the table itself when
// index is ""), following all result pages, and unmarshals them into out,
// which must be a pointer to a slice. No match leaves an empty slice and no
// error.
func (t *Table) QueryIndex(ctx context.Context, index string, partitionKeyName, value string, out any) error {
	if partitionKeyName == "" {
		return errors.New("table: query: empty partition key name")
	}
	expr, err := expression.NewBuilder().
		WithKeyCondition(expression.Key(partitionKeyName).Equal(expression.Value(value))).
		Build()
	if err != nil {
		return fmt.Errorf("table: query: build expression: %w", err)
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(t.name),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}
	if index != "" {
		in.IndexName = aws.String(index)
	}
	items := []map[string]types.AttributeValue{}
	p := dynamodb.NewQueryPaginator(t.api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return mapError("query", err, nil)
		}
		items = append(items, page.Items...)
	}
	if err := attributevalue.UnmarshalListOfMaps(items, out); err != nil {
		return fmt.Errorf("table: query: unmarshal items: %w", err)
	}
	return nil
}

// Update sets the given attributes on the existing item with the given key.
// Map keys are attribute names; a dotted name such as "address.city" is a
// document path into a map attribute. Values are marshaled with the
// attributevalue package. Key attributes cannot be updated. It fails with
// [ErrNotFound] if there is no such item (no item is created).
func (t *Table) Update(ctx context.Context, key Key, set map[string]any) error {
	if len(set) == 0 {
		return errors.New("table: update: nothing to set")
	}
	k, err := marshalKey(key)
	if err != nil {
		return fmt.Errorf("table: update: %w", err)
	}
	names := make([]string, 0, len(set))
	for name := range set {
		if name == PartitionKeyName || name == SortKeyName {
			return fmt.Errorf("table: update: cannot set key attribute %q", name)
		}
		names = append(names, name)
	}
	sort.Strings(names) // deterministic expression placeholders
	var upd expression.UpdateBuilder
	for _, name := range names {
		upd = upd.Set(expression.Name(name), expression.Value(set[name]))
	}
	expr, err := expression.NewBuilder().
		WithUpdate(upd).
		WithCondition(expression.AttributeExists(expression.Name(PartitionKeyName))).
		Build()
	if err != nil {
		return fmt.Errorf("table: update: build expression: %w", err)
	}
	_, err = t.api.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(t.name),
		Key:                       k,
		UpdateExpression:          expr.Update(),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	})
	if err != nil {
		return mapError("update", err, ErrNotFound)
	}
	return nil
}

// Delete removes the item with the given key. It fails with [ErrNotFound] if
// there is no such item.
func (t *Table) Delete(ctx context.Context, key Key) error {
	k, err := marshalKey(key)
	if err != nil {
		return fmt.Errorf("table: delete: %w", err)
	}
	expr, err := expression.NewBuilder().
		WithCondition(expression.AttributeExists(expression.Name(PartitionKeyName))).
		Build()
	if err != nil {
		return fmt.Errorf("table: delete: build expression: %w", err)
	}
	_, err = t.api.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 aws.String(t.name),
		Key:                       k,
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	})
	if err != nil {
		return mapError("delete", err, ErrNotFound)
	}
	return nil
}

func marshalKey(key Key) (map[string]types.AttributeValue, error) {
	if key.PK == "" {
		return nil, errors.New("empty partition key")
	}
	k, err := attributevalue.MarshalMap(key)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	return k, nil
}

// throttlingCodes are the DynamoDB error codes reported as ErrThrottled.
var throttlingCodes = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"ThrottlingException":                    true,
	"RequestLimitExceeded":                   true,
}

// mapError wraps err for operation op, adding the sentinel condFailed when a
// condition check failed and ErrThrottled on throttling.
func mapError(op string, err error, condFailed error) error {
	var ccf *types.ConditionalCheckFailedException
	if condFailed != nil && errors.As(err, &ccf) {
		return fmt.Errorf("table: %s: %w: %w", op, condFailed, err)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && throttlingCodes[apiErr.ErrorCode()] {
		return fmt.Errorf("table: %s: %w: %w", op, ErrThrottled, err)
	}
	return fmt.Errorf("table: %s: %w", op, err)
}
