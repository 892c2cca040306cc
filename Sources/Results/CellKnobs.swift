import Model

extension CellRow {
    /// Bytes one transfer in flight buffers: the part, or on Azure the larger of a block and a range.
    public var bufferSize: Int64 { max(uploadPartSize, blockSize ?? 0) }

    /// The knob values a cell ran with.
    public var knobs: Knobs {
        Knobs(uploadPartSize: uploadPartSize, downloadPartSize: downloadPartSize, retryLimit: retryLimit,
              connectTimeoutMilliseconds: connectTimeoutMs, stallTimeoutMilliseconds: stallTimeoutMs,
              parallel: parallel, clients: clients, network: network, blockSize: blockSize)
    }
}
