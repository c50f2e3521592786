// Package objects stores and reads objects in one Amazon S3 bucket.
//
// Small payloads go through [Store.Put] and [Store.Get]; large or streamed
// ones through [Store.Upload], which uses the S3 transfer manager to split
// them into a multipart upload. [Store.PresignGet] hands out time-limited
// download URLs.
//
// A missing object is reported as [ErrNotFound] and S3 throttling as
// [ErrThrottled]; test them with errors.Is. The underlying SDK error stays in
// the chain for errors.As.
package objects

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Multipart upload tuning for [Store.Upload]. Objects smaller than
// UploadPartSize are sent with a single PutObject; larger ones in parts of
// UploadPartSize (raised automatically for very large seekable bodies so that
// they fit in 10,000 parts), UploadConcurrency parts at a time. A multipart
// upload buffers up to (UploadConcurrency+2) × UploadPartSize bytes (40 MiB),
// which suits a Lambda function with 256 MB of memory or more.
const (
	UploadPartSize    = 8 << 20 // 8 MiB; S3's minimum part size is 5 MiB.
	UploadConcurrency = 3
)

// MaxPresignExpiry is the longest validity S3 accepts for a presigned URL.
// A URL signed with temporary credentials (as in Lambda) also stops working
// when those credentials expire.
const MaxPresignExpiry = 7 * 24 * time.Hour

// Sentinel errors. Errors returned by [Store] wrap at most one of them
// together with the SDK error that caused it.
var (
	// ErrNotFound means the object does not exist. S3 reports a missing key
	// as such only if the caller may list the bucket (s3:ListBucket);
	// otherwise it answers AccessDenied.
	ErrNotFound = errors.New("objects: object not found")
	// ErrThrottled means S3 asked the client to slow down, after the SDK's
	// own retries.
	ErrThrottled = errors.New("objects: request throttled")
)

// API is the subset of the S3 client used by [Store].
// *s3.Client satisfies it.
type API interface {
	PutObject(ctx context.Context, params *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, params *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	CreateMultipartUpload(ctx context.Context, params *s3.CreateMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(ctx context.Context, params *s3.UploadPartInput, optFns ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	CompleteMultipartUpload(ctx context.Context, params *s3.CompleteMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(ctx context.Context, params *s3.AbortMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
}

// Presigner creates presigned requests. *s3.PresignClient satisfies it; make
// one with s3.NewPresignClient.
type Presigner interface {
	PresignGetObject(ctx context.Context, params *s3.GetObjectInput, optFns ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)
}

var (
	_ API       = (*s3.Client)(nil)
	_ Presigner = (*s3.PresignClient)(nil)
)

// NewClient returns an S3 client for cfg. When a custom endpoint is
// configured (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3 or endpoint_url in the
// shared config, as with moto or LocalStack) it addresses buckets path-style,
// since such endpoints do not resolve bucket subdomains. optFns are applied
// last.
func NewClient(cfg aws.Config, optFns ...func(*s3.Options)) *s3.Client {
	return s3.NewFromConfig(cfg, append([]func(*s3.Options){PathStyleForCustomEndpoint}, optFns...)...)
}

// PathStyleForCustomEndpoint is an s3.Options function that turns on
// path-style addressing when a custom endpoint is set. It must run after the
// endpoint is resolved, as options passed to s3.NewFromConfig do.
func PathStyleForCustomEndpoint(o *s3.Options) {
	if o.BaseEndpoint != nil {
		o.UsePathStyle = true
	}
}

// Store reads and writes the objects of one bucket.
// It holds no mutable state and is safe for concurrent use.
type Store struct {
	api       API
	presigner Presigner
	uploader  *transfermanager.Client
	bucket    string
}

// New returns a Store for bucket. api (normally an *s3.Client from
// [NewClient]) serves every call but presigning, which uses presigner
// (normally s3.NewPresignClient of the same client); presigner may be nil if
// [Store.PresignGet] is not used.
func New(api API, presigner Presigner, bucket string) *Store {
	return &Store{
		api:       api,
		presigner: presigner,
		uploader: transfermanager.New(uploadAPI{api}, func(o *transfermanager.Options) {
			o.PartSizeBytes = UploadPartSize
			o.MultipartUploadThreshold = UploadPartSize
			o.Concurrency = UploadConcurrency
		}),
		bucket: bucket,
	}
}

// Bucket returns the bucket name the Store was created with.
func (s *Store) Bucket() string { return s.bucket }

// Put stores body under key in one request. An empty contentType leaves S3's
// default (binary/octet-stream). Use [Store.Upload] for bodies over a few
// tens of MB.
func (s *Store) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if key == "" {
		return errors.New("objects: put: empty key")
	}
	in := &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
	}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if _, err := s.api.PutObject(ctx, in); err != nil {
		return mapError("put", key, err)
	}
	return nil
}

// Get returns the whole content of the object stored under key, or
// [ErrNotFound]. It reads the object into memory.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	if key == "" {
		return nil, errors.New("objects: get: empty key")
	}
	out, err := s.api.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		return nil, mapError("get", key, err)
	}
	defer func() { _ = out.Body.Close() }() // read-only body: a close error changes nothing
	body, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("objects: get %q: read body: %w", key, err)
	}
	return body, nil
}

// Upload streams r to key, as a multipart upload when it is at least
// [UploadPartSize] long (see there). A failed multipart upload is aborted so
// no parts are left behind. An empty contentType leaves S3's default.
func (s *Store) Upload(ctx context.Context, key string, r io.Reader, contentType string) error {
	if key == "" {
		return errors.New("objects: upload: empty key")
	}
	in := &transfermanager.UploadObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
		Body:   r,
	}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if _, err := s.uploader.UploadObject(ctx, in); err != nil {
		return mapError("upload", key, err)
	}
	return nil
}

// PresignGet returns a URL that lets anyone holding it download the object
// under key with a plain HTTP GET until expiry has passed (at most
// [MaxPresignExpiry]). It does not check that the object exists, and makes no
// network call.
func (s *Store) PresignGet(ctx context.Context, key string, expiry time.Duration) (string, error) {
	switch {
	case key == "":
		return "", errors.New("objects: presign: empty key")
	case expiry <= 0 || expiry > MaxPresignExpiry:
		return "", fmt.Errorf("objects: presign: expiry %v out of range (0, %v]", expiry, MaxPresignExpiry)
	case s.presigner == nil:
		return "", errors.New("objects: presign: Store has no Presigner")
	}
	req, err := s.presigner.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	}, s3.WithPresignExpires(expiry))
	if err != nil {
		return "", fmt.Errorf("objects: presign %q: %w", key, err)
	}
	return req.URL, nil
}

func mapError(op, key string, err error) error {
	var noSuchKey *types.NoSuchKey
	if errors.As(err, &noSuchKey) {
		return fmt.Errorf("objects: %s %q: %w: %w", op, key, ErrNotFound, err)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "SlowDown" {
		return fmt.Errorf("objects: %s %q: %w: %w", op, key, ErrThrottled, err)
	}
	return fmt.Errorf("objects: %s %q: %w", op, key, err)
}

// uploadAPI adapts API to transfermanager.S3APIClient. The transfer manager
// only calls the listing and head operations for downloads, which this
// package does not do.
type uploadAPI struct{ API }

var errNotUsed = errors.New("objects: operation not used by this package")

func (uploadAPI) HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	return nil, errNotUsed
}

func (uploadAPI) ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	return nil, errNotUsed
}
