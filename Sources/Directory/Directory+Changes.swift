public import Store

extension Directory {
    /// Drops the cached publication decisions `change` affects.
    public func apply(_ change: DirectoryChange) {
        switch change {
        case .address(let domain, let wkdHash): cache.remove(PublicationCache.key(domain: domain, wkdHash: wkdHash))
        case .domain(let domain): cache.removeAll(domain: domain)
        case .everything: cache.removeAll()
        }
    }

    /// Applies every change `feed` announces until the calling task is cancelled: the cache of this instance then
    /// follows what any instance sharing the store writes.
    public func follow(_ feed: some DirectoryChangeFeed) async {
        for await change in feed.directoryChanges() {
            apply(change)
        }
    }

    /// How many publication decisions are cached now (for tests and metrics).
    public var cachedDecisions: Int { cache.count }
}
