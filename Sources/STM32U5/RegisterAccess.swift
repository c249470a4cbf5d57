import CortexM

/// Narrow accesses to 32-bit registers: the bus hands us the offset of the byte or
/// half-word and its value in the low bits.
enum RegisterAccess {
    static func mask(_ width: AccessWidth) -> UInt32 {
        switch width {
        case .byte: 0xFF
        case .halfword: 0xFFFF
        case .word: 0xFFFF_FFFF
        }
    }

    /// The register's new value after a write of `width` at `offset` (any byte lane).
    static func merge(old: UInt32, offset: UInt32, width: AccessWidth, value: UInt32) -> UInt32 {
        let shift = (offset & 3) * 8
        let m = mask(width) << shift
        return (old & ~m) | ((value << shift) & m)
    }

    /// The bytes a read of `width` at `offset` returns from the register's value.
    static func extract(_ register: UInt32, offset: UInt32, width: AccessWidth) -> UInt32 {
        (register >> ((offset & 3) * 8)) & mask(width)
    }

    static func field(_ v: UInt32, _ shift: UInt32, _ bits: UInt32) -> UInt32 {
        (v >> shift) & ((1 << bits) - 1)
    }
}

/// A block's register values by offset, zero until written: an array for the word-aligned
/// offsets of a 1 KiB block (the hot path: OCTOSPI reads CR, CCR, DLR… on every access),
/// a dictionary for anything else.
struct RegisterWords {
    private var words = [UInt32](repeating: 0, count: 256)
    private var others: [UInt32: UInt32] = [:]

    init() {}

    /// A block holding `values` (offset → value), every other register 0.
    init(_ values: [UInt32: UInt32]) {
        for (offset, value) in values { self[offset] = value }
    }

    subscript(offset: UInt32) -> UInt32 {
        get { offset < 0x400 && offset & 3 == 0 ? words[Int(offset >> 2)] : others[offset] ?? 0 }
        set {
            if offset < 0x400 && offset & 3 == 0 { words[Int(offset >> 2)] = newValue } else { others[offset] = newValue }
        }
    }
}

/// An RCC enable bit that gates a block's bus clock.
public struct ClockGate {
    /// "RCC_AHB2ENR2.OCTOSPI1EN"
    public let bitName: String
    let isOn: () -> Bool

    init(bitName: String, isOn: @escaping () -> Bool) {
        self.bitName = bitName
        self.isOn = isOn
    }

    static var alwaysOn: ClockGate { ClockGate(bitName: "always on") { true } }
}

/// What every gated block does on the bus: a block whose clock is off ignores writes and
/// reads as zero (RM0456 §11 RCC: a peripheral's registers are not accessible while its
/// clock is disabled), and that is an event naming the enable bit.
protocol GatedRegisterBlock: Peripheral {
    var gate: ClockGate { get }
    var log: SoCEventLog { get }
    /// The offsets the block models; others are plain storage, recorded as unmodeled.
    var boundary: ModelBoundary { get }
    func registerName(at offset: UInt32) -> String
    func readRegister(offset: UInt32, width: AccessWidth) -> UInt32
    func writeRegister(offset: UInt32, width: AccessWidth, value: UInt32)
}

extension GatedRegisterBlock {
    public func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        guard gate.isOn() else {
            if boundary.unclockedAccessIsHarmless(offset: offset, width: width, write: nil) {
                log.record(.unclockedAccessWithoutEffect(peripheral: name, register: registerName(at: offset & ~3), enable: gate.bitName, write: nil))
            } else {
                log.record(.readWhileClockDisabled(peripheral: name, register: registerName(at: offset & ~3), enable: gate.bitName))
            }
            return 0
        }
        guard boundary.models(offset & ~3) else { return boundary.read(offset: offset, width: width, name: registerName(at: offset & ~3)) }
        return readRegister(offset: offset, width: width)
    }

    public func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        guard gate.isOn() else {
            if boundary.unclockedAccessIsHarmless(offset: offset, width: width, write: value) {
                log.record(.unclockedAccessWithoutEffect(peripheral: name, register: registerName(at: offset & ~3), enable: gate.bitName, write: value))
                return
            }
            log.record(.ignoredWrite(peripheral: name, register: registerName(at: offset & ~3), value: value, reason: .clockDisabled(enable: gate.bitName)))
            return
        }
        guard boundary.models(offset & ~3) else {
            return boundary.write(offset: offset, width: width, value: value, name: registerName(at: offset & ~3))
        }
        boundary.atReset = false
        writeRegister(offset: offset, width: width, value: value)
    }
}
