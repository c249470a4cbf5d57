import CUnicorn

/// The Nested Vectored Interrupt Controller's registers (0xE000_E100; ARMv8-M ARM D1.2
/// "NVIC"). Nothing on the simulated board raises an interrupt line, so an enabled IRQ is
/// only ever taken when software pends it itself (ISPR or STIR).
public final class NVIC {
    public private(set) var enabled = [UInt32](repeating: 0, count: 16)
    public private(set) var pending = [UInt32](repeating: 0, count: 16)
    public private(set) var targetsNonSecure = [UInt32](repeating: 0, count: 16)
    public private(set) var priority = [UInt8](repeating: 0, count: 496)
    /// Some IRQ is pending (kept up to date on every write: the machine checks it per block).
    private(set) var anyPending: Bool {
        get { signals.storage.pointee.irqPending }
        set { signals.storage.pointee.irqPending = newValue }
    }
    private let log: EventLog
    private let signals: ExceptionSignals

    init(log: EventLog, signals: ExceptionSignals) {
        self.log = log
        self.signals = signals
    }

    private static func bits(_ value: UInt32, base: Int) -> [Int] {
        (0..<32).filter { value & (1 << $0) != 0 }.map { base + $0 }
    }

    /// `offset` is from 0xE000_E100, word aligned.
    func read(offset: UInt32) -> UInt32 {
        let index = Int((offset & 0x7F) >> 2)
        switch offset {
        case 0x000..<0x040, 0x080..<0x0C0: return enabled[index]
        case 0x100..<0x140, 0x180..<0x1C0: return pending[index]
        case 0x200..<0x240: return 0  // IABR: nothing is ever active
        case 0x280..<0x2C0: return targetsNonSecure[index]
        case 0x300..<0x4F0:
            let byte = Int(offset - 0x300)
            return UInt32(priority[byte]) | UInt32(priority[byte + 1]) << 8 | UInt32(priority[byte + 2]) << 16 | UInt32(priority[byte + 3]) << 24
        default: return 0
        }
    }

    func write(offset: UInt32, value: UInt32, mask: UInt32) {
        let index = Int((offset & 0x7F) >> 2)
        let set = value & mask
        switch offset {
        case 0x000..<0x040:
            let newly = set & ~enabled[index]
            enabled[index] |= set
            if newly != 0 { log.record(.interruptsEnabled(irqs: Self.bits(newly, base: index * 32))) }
        case 0x080..<0x0C0:
            let cleared = set & enabled[index]
            enabled[index] &= ~set
            if cleared != 0 { log.record(.interruptsDisabled(irqs: Self.bits(cleared, base: index * 32))) }
        case 0x100..<0x140:
            pending[index] |= set
            for irq in Self.bits(set, base: index * 32) { log.record(.exceptionPended(number: 16 + irq, name: "IRQ\(irq)")) }
        case 0x180..<0x1C0:
            pending[index] &= ~set
        case 0x280..<0x2C0:
            targetsNonSecure[index] = (targetsNonSecure[index] & ~mask) | set
        case 0x300..<0x4F0:
            let byte = Int(offset - 0x300)
            for lane in 0..<4 where mask & (0xFF << (lane * 8)) != 0 {
                priority[byte + lane] = UInt8(truncatingIfNeeded: value >> (lane * 8))
            }
        default:
            break
        }
        anyPending = pending.contains { $0 != 0 }
    }

    func pend(irq: Int) {
        guard irq >= 0, irq < 496 else { return }
        pending[irq / 32] |= 1 << UInt32(irq % 32)
        anyPending = true
        log.record(.exceptionPended(number: 16 + irq, name: "IRQ\(irq)"))
    }

    /// The lowest-numbered IRQ that is both enabled and pending.
    func pendingEnabledIRQ() -> Int? {
        for index in 0..<16 {
            let both = enabled[index] & pending[index]
            if both != 0 { return index * 32 + both.trailingZeroBitCount }
        }
        return nil
    }
}
