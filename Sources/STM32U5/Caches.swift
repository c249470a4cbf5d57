import CortexM

/// CR, SR, IER and FCR as both caches lay them out (RM0456 §8.4, §9.4): CR.EN bit 0,
/// CR.CACHEINV bit 1 is a command that completes at once (SR.BSYENDF bit 1 = 1, BUSYF = 0),
/// FCR.CBSYENDF bit 1 clears BSYENDF; FCR reads as 0.
struct CacheControlRegisters {
    enum Offset { static let cr: UInt32 = 0x00, sr: UInt32 = 0x04, ier: UInt32 = 0x08, fcr: UInt32 = 0x0C }

    let prefix: String
    var regs: [UInt32: UInt32]

    var isEnabled: Bool { (regs[Offset.cr] ?? 0) & 1 != 0 }

    func name(at offset: UInt32) -> String {
        [Offset.cr: "\(prefix)_CR", Offset.sr: "\(prefix)_SR", Offset.ier: "\(prefix)_IER", Offset.fcr: "\(prefix)_FCR"][offset]
            ?? "\(prefix)+0x\(String(offset, radix: 16))"
    }

    func read(offset: UInt32, width: AccessWidth) -> UInt32 {
        RegisterAccess.extract(offset & ~3 == Offset.fcr ? 0 : regs[offset & ~3] ?? 0, offset: offset, width: width)
    }

    /// Applies a write; true when it was a CACHEINV command (already completed: BSYENDF set).
    mutating func write(offset: UInt32, width: AccessWidth, value: UInt32) -> Bool {
        let reg = offset & ~3
        let new = RegisterAccess.merge(old: regs[reg] ?? 0, offset: offset, width: width, value: value)
        switch reg {
        case Offset.cr:
            regs[reg] = new & ~2
            if new & 2 != 0 {
                regs[Offset.sr] = (regs[Offset.sr] ?? 0) | 2
                return true
            }
        case Offset.fcr:
            if new & 2 != 0 { regs[Offset.sr] = (regs[Offset.sr] ?? 0) & ~2 }
        case Offset.sr: break
        default: regs[reg] = new
        }
        return false
    }
}

/// The instruction cache (RM0456 §8), at 0x4003_0400. Registers only: code fetches from
/// the OCTOSPI windows (which need region remapping) are not modeled. CR resets with
/// WAYSEL = 1; CACHEINV completes at once (SR.BSYENDF = 1, BUSYF = 0).
public final class ICACHE: Peripheral, GatedRegisterBlock {
    public let name = "ICACHE"
    public enum Offset { public static let cr: UInt32 = 0x00, sr: UInt32 = 0x04, ier: UInt32 = 0x08, fcr: UInt32 = 0x0C }
    public static let resetValues: [UInt32: UInt32] = [Offset.cr: 0x0000_0004, Offset.sr: 0x0000_0002]

    let gate = ClockGate.alwaysOn
    let log: SoCEventLog
    /// CR, SR, IER, FCR; the monitors and the region remap registers (CRRx) are not modeled.
    let boundary: ModelBoundary
    var control = CacheControlRegisters(prefix: "ICACHE", regs: ICACHE.resetValues)

    init(log: SoCEventLog) {
        self.log = log
        boundary = ModelBoundary(peripheral: "ICACHE", log: log, modeled: [Offset.cr, Offset.sr, Offset.ier, Offset.fcr])
    }

    public var isEnabled: Bool { control.isEnabled }

    func registerName(at offset: UInt32) -> String { control.name(at: offset) }

    func readRegister(offset: UInt32, width: AccessWidth) -> UInt32 { control.read(offset: offset, width: width) }

    func writeRegister(offset: UInt32, width: AccessWidth, value: UInt32) {
        _ = control.write(offset: offset, width: width, value: value)
    }
}

/// The data cache DCACHE1 (RM0456 §9), at 0x4003_1400; gated by RCC_AHB1ENR.DCACHE1EN.
///
/// On the memory-mapped OCTOSPI path it is a simple 32-byte-line cache of unbounded size:
/// a miss fills the whole line with one 32-byte read transaction; a hit returns what the
/// line holds even if the flash changed since, until CR.CACHEINV (which completes at
/// once: SR.BSYENDF = 1). A hit on a line filled before the last program/erase through
/// the OCTOSPI is recorded as `.staleCacheHit`.
public final class DCACHE: Peripheral, GatedRegisterBlock {
    public let name = "DCACHE1"
    public static let lineBytes = 32
    public enum Offset { public static let cr: UInt32 = 0x00, sr: UInt32 = 0x04, ier: UInt32 = 0x08, fcr: UInt32 = 0x0C }
    public static let resetValues: [UInt32: UInt32] = [Offset.sr: 0x0000_0002]

    let gate: ClockGate
    let log: SoCEventLog
    /// CR, SR, IER, FCR; the monitors and the range commands (CMDRSADDRR…) are not modeled.
    let boundary: ModelBoundary
    var control = CacheControlRegisters(prefix: "DCACHE1", regs: DCACHE.resetValues)
    /// Line base address → (bytes, generation of the flash contents when filled).
    var lines: [UInt32: (bytes: [UInt8], generation: Int)] = [:]
    var flashGeneration = 0

    init(log: SoCEventLog, gate: ClockGate) {
        self.log = log
        self.gate = gate
        boundary = ModelBoundary(peripheral: "DCACHE1", log: log, modeled: [Offset.cr, Offset.sr, Offset.ier, Offset.fcr],
                                 resetValues: DCACHE.resetValues)
    }

    public var isActive: Bool { gate.isOn() && control.isEnabled }
    public var cachedLineCount: Int { lines.count }

    func flashMayHaveChanged() { flashGeneration += 1 }

    func invalidate() { lines.removeAll() }

    /// Reads `count` bytes at absolute `address` through the cache; `fill` fetches a line.
    func read(address: UInt32, count: Int, fill: (UInt32) -> [UInt8]?) -> [UInt8]? {
        var out: [UInt8] = []
        var a = address
        while out.count < count {
            let base = a & ~UInt32(DCACHE.lineBytes - 1)
            let line: [UInt8]
            if let cached = lines[base] {
                if cached.generation != flashGeneration { log.record(.staleCacheHit(address: base)) }
                line = cached.bytes
            } else {
                guard let fetched = fill(base), fetched.count == DCACHE.lineBytes else { return nil }
                lines[base] = (fetched, flashGeneration)
                line = fetched
            }
            let start = Int(a - base)
            let take = min(count - out.count, DCACHE.lineBytes - start)
            out.append(contentsOf: line[start..<(start + take)])
            a &+= UInt32(take)
        }
        return out
    }

    func registerName(at offset: UInt32) -> String { control.name(at: offset) }

    func readRegister(offset: UInt32, width: AccessWidth) -> UInt32 { control.read(offset: offset, width: width) }

    func writeRegister(offset: UInt32, width: AccessWidth, value: UInt32) {
        if control.write(offset: offset, width: width, value: value) { invalidate() }
    }
}
