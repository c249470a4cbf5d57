import CUnicorn

/// RAM that Unicorn maps only when the guest first touches it; until then the host reads and
/// writes a plain buffer.
///
/// Why: Unicorn 2.0.1 finds the region of every slow-path access (each guest store to RAM,
/// each MMIO access) with a one-entry cache that only ever holds its lowest region, then a
/// binary search. The STM32U5's internal flash (0x0800_0000) is the lowest region, yet a
/// loader runs from SRAM and seldom reads the internal flash: left unmapped until then, the
/// SRAM is the lowest region and every store to it is found at once (a third-party loader
/// makes ~20 stores per byte programmed; docs/benchmarks.md has the measurement).
final class DeferredRAM {
    let name: String
    let base: UInt32
    let size: UInt32
    /// What the host wrote; nil while all zero (what `uc_mem_map` gives fresh memory).
    private var content: [UInt8]?

    init(name: String, base: UInt32, size: UInt32) {
        self.name = name
        self.base = base
        self.size = size
    }

    func contains(_ address: UInt32, count: Int) -> Bool {
        address >= base && UInt64(address) + UInt64(count) <= UInt64(base) + UInt64(size)
    }

    func read(at address: UInt32, count: Int) -> [UInt8] {
        let offset = Int(address &- base)
        guard let content else { return [UInt8](repeating: 0, count: count) }
        return Array(content[offset..<offset + count])
    }

    func write(_ bytes: [UInt8], at address: UInt32) {
        let offset = Int(address &- base)
        var buffer = content.take() ?? [UInt8](repeating: 0, count: Int(size))
        buffer.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        content = buffer
    }

    /// Maps the region in Unicorn with what the host wrote into it.
    func map(in engine: OpaquePointer) throws(MachineError) {
        var err = uc_mem_map(engine, UInt64(base), Int(size), UInt32(UC_PROT_ALL.rawValue))
        guard err == UC_ERR_OK else { throw Machine.failure("uc_mem_map(\(name))", err) }
        if let content {
            err = content.withUnsafeBytes { uc_mem_write(engine, UInt64(base), $0.baseAddress, $0.count) }
            guard err == UC_ERR_OK else { throw Machine.failure("uc_mem_write(\(name))", err) }
        }
        content = nil
    }
}

extension Machine {
    /// The deferred region that holds all of `address ..< address + count`, if any. A range
    /// that only overlaps one maps it first (the host then uses Unicorn's copy).
    func deferredRegion(holding address: UInt32, count: Int) throws(MachineError) -> DeferredRAM? {
        guard !deferredRAM.isEmpty else { return nil }
        let end = UInt64(address) + UInt64(count)
        for region in deferredRAM where UInt64(region.base) < end && UInt64(address) < UInt64(region.base) + UInt64(region.size) {
            if region.contains(address, count: count) { return region }
            try mapDeferred(region)
        }
        return nil
    }

    func mapDeferred(_ region: DeferredRAM) throws(MachineError) {
        try region.map(in: engine)
        deferredRAM.removeAll { $0 === region }
    }

    /// The guest touched unmapped memory: true when it was a deferred region, now mapped,
    /// so that Unicorn retries the access.
    func mapDeferredOnAccess(_ address: UInt32) -> Bool {
        guard let region = deferredRAM.first(where: { $0.contains(address, count: 1) }) else { return false }
        do {
            try mapDeferred(region)
            return true
        } catch {
            return false
        }
    }
}
