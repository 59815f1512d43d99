package dedupe

import (
	"fmt"

	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultSize is the default number of (rule, event) pairs remembered.
// At roughly 150 bytes an entry it is about 150 MB when full; alerts are
// rare, so it covers days to months of them.
const DefaultSize = 1_000_000

// Cache is a bounded set of keys with least-recently-used eviction. It is
// safe for concurrent use.
type Cache struct {
	lru *lru.Cache[Key, struct{}]
}

// New returns a Cache holding at most size keys.
func New(size int) (*Cache, error) {
	if size <= 0 {
		return nil, fmt.Errorf("dedupe cache size must be positive, got %d", size)
	}
	l, err := lru.New[Key, struct{}](size)
	if err != nil {
		return nil, fmt.Errorf("creating dedupe cache: %w", err)
	}
	return &Cache{lru: l}, nil
}

// Seen reports whether k was already in the cache, and adds it if not, in
// one atomic step: of two goroutines checking the same key, exactly one
// sees false.
func (c *Cache) Seen(k Key) bool {
	seen, _ := c.lru.ContainsOrAdd(k, struct{}{})
	return seen
}

// Add records k (used to warm the cache from alerts already written).
func (c *Cache) Add(k Key) { c.lru.Add(k, struct{}{}) }

// Forget removes k. The detector calls it when an alert whose key it added
// was not delivered, so that the redelivered event alerts again.
func (c *Cache) Forget(k Key) { c.lru.Remove(k) }

// Contains reports whether k is in the cache without changing recency.
func (c *Cache) Contains(k Key) bool { return c.lru.Contains(k) }

// Len returns the number of keys held.
func (c *Cache) Len() int { return c.lru.Len() }
