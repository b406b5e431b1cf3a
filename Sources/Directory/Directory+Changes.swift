public import Store

extension Directory {
    /// Drops the cached publication decisions `change` affects. Key-server changes drop no decision; they are passed on
    /// to the observers (``observeChanges(_:)``), which prepare answers from both.
    public func apply(_ change: DirectoryChange) {
        switch change {
        case .address(let domain, let wkdHash): cache.remove(domain: domain, wkdHash: wkdHash)
        case .domain(let domain): cache.removeAll(domain: domain)
        case .everything: cache.removeAll()
        case .publishedKey, .publishedLookup, .publishedAddress: cache.announce(change)
        }
    }

    /// Applies every change `feed` announces until the calling task is cancelled: the cache of this instance then
    /// follows what any instance sharing the store writes.
    public func follow(_ feed: some DirectoryChangeFeed) async {
        for await change in feed.directoryChanges() {
            apply(change)
        }
    }

    /// Calls `handler` with every change that drops cached decisions, after the drop: each write through this directory
    /// (``DirectoryChange/everything``) and each change applied from a feed. Answers prepared from decisions (the
    /// server's WKD responses) follow the decisions this way.
    public func observeChanges(_ handler: @escaping @Sendable (DirectoryChange) -> Void) {
        cache.observe(handler)
    }

    /// How many publication decisions are cached now (for tests and metrics).
    public var cachedDecisions: Int { cache.count }
}
