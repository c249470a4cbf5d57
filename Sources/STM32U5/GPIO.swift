import CortexM

/// One GPIO port (RM0456 §13), GPIOA…GPIOJ at 0x4202_0000 + 0x400·n, gated by
/// RCC_AHB2ENR1.GPIOxEN (bit n).
///
/// Reset values: MODER all analog except the debug pins (GPIOA 0xABFF_FFFF, GPIOB
/// 0xFFFF_FEBF), OSPEEDR A 0x0C00_0000 / B 0x0000_00C0, PUPDR A 0x6400_0000 /
/// B 0x0000_0100. IDR shows ODR for outputs and the pull level for inputs.
public final class GPIOPort: Peripheral, GatedRegisterBlock {
    public let name: String
    public let index: Int

    public enum Offset {
        public static let moder: UInt32 = 0x00, otyper: UInt32 = 0x04, ospeedr: UInt32 = 0x08, pupdr: UInt32 = 0x0C
        public static let idr: UInt32 = 0x10, odr: UInt32 = 0x14, bsrr: UInt32 = 0x18, lckr: UInt32 = 0x1C
        public static let afrl: UInt32 = 0x20, afrh: UInt32 = 0x24, brr: UInt32 = 0x28, hslvr: UInt32 = 0x2C, seccfgr: UInt32 = 0x30
    }

    public static func resetValues(port: Int) -> [UInt32: UInt32] {
        switch port {
        case 0: [Offset.moder: 0xABFF_FFFF, Offset.ospeedr: 0x0C00_0000, Offset.pupdr: 0x6400_0000, Offset.seccfgr: 0x0000_FFFF]
        case 1: [Offset.moder: 0xFFFF_FEBF, Offset.ospeedr: 0x0000_00C0, Offset.pupdr: 0x0000_0100, Offset.seccfgr: 0x0000_FFFF]
        default: [Offset.moder: 0xFFFF_FFFF, Offset.seccfgr: 0x0000_FFFF]
        }
    }

    let gate: ClockGate
    let log: SoCEventLog
    let boundary: ModelBoundary
    var regs: [UInt32: UInt32] {
        didSet { generation &+= 1 }
    }
    /// Counts writes to `regs` (reset included): the signal path reuses its routing verdicts
    /// while the generation of the board's ports stays the same.
    private(set) var generation: UInt64 = 0
    var locked: UInt32 = 0
    private var lockStep = 0
    private var lockKeyBits: UInt32 = 0

    init(index: Int, log: SoCEventLog, gate: ClockGate) {
        self.index = index
        self.name = "GPIO\(Character(UnicodeScalar(UInt8(65 + index))))"
        self.log = log
        self.gate = gate
        self.regs = GPIOPort.resetValues(port: index)
        boundary = ModelBoundary(peripheral: name, log: log, modeled: Array(stride(from: UInt32(0), through: Offset.seccfgr, by: 4)),
                                 resetValues: GPIOPort.resetValues(port: index))
    }

    func reset() {
        regs = GPIOPort.resetValues(port: index)
        boundary.atReset = true
        locked = 0
        lockStep = 0
    }

    public func register(_ offset: UInt32) -> UInt32 { regs[offset] ?? 0 }
    /// MODER field of `pin`: 00 input, 01 output, 10 alternate function, 11 analog.
    public func mode(pin: Int) -> UInt32 { (register(Offset.moder) >> UInt32(2 * pin)) & 3 }
    public func alternateFunction(pin: Int) -> Int {
        let reg = pin < 8 ? register(Offset.afrl) : register(Offset.afrh)
        return Int((reg >> UInt32(4 * (pin % 8))) & 0xF)
    }
    /// PUPDR field: 00 none, 01 pull-up, 10 pull-down.
    public func pull(pin: Int) -> UInt32 { (register(Offset.pupdr) >> UInt32(2 * pin)) & 3 }

    func registerName(at offset: UInt32) -> String {
        let names: [UInt32: String] = [
            Offset.moder: "MODER", Offset.otyper: "OTYPER", Offset.ospeedr: "OSPEEDR", Offset.pupdr: "PUPDR",
            Offset.idr: "IDR", Offset.odr: "ODR", Offset.bsrr: "BSRR", Offset.lckr: "LCKR", Offset.afrl: "AFRL",
            Offset.afrh: "AFRH", Offset.brr: "BRR", Offset.hslvr: "HSLVR", Offset.seccfgr: "SECCFGR",
        ]
        return "\(name)_" + (names[offset] ?? "+0x\(String(offset, radix: 16))")
    }

    func readRegister(offset: UInt32, width: AccessWidth) -> UInt32 {
        let reg = offset & ~3
        var v = register(reg)
        switch reg {
        case Offset.idr:
            v = 0
            for pin in 0..<16 {
                let level: Bool = mode(pin: pin) == 1 ? register(Offset.odr) & (1 << UInt32(pin)) != 0 : pull(pin: pin) == 1
                if level { v |= 1 << UInt32(pin) }
            }
        case Offset.bsrr, Offset.brr: v = 0
        case Offset.lckr:
            if lockStep == 3 { lockStep = 4 } // the read that completes the key sequence
            v = (register(Offset.lckr) & 0xFFFF) | (lockStep == 4 ? 1 << 16 : 0)
        default: break
        }
        return RegisterAccess.extract(v, offset: offset, width: width)
    }

    func writeRegister(offset: UInt32, width: AccessWidth, value: UInt32) {
        let reg = offset & ~3
        let new = RegisterAccess.merge(old: register(reg), offset: offset, width: width, value: value)
        switch reg {
        case Offset.idr: return
        case Offset.bsrr:
            regs[Offset.odr] = (register(Offset.odr) | (new & 0xFFFF)) & ~(new >> 16)
        case Offset.brr:
            regs[Offset.odr] = register(Offset.odr) & ~(new & 0xFFFF)
        case Offset.lckr:
            // Key sequence (RM0456 §13.4.8): write LCKK=1, LCKK=0, LCKK=1 with the same pins, then read.
            guard lockStep < 4 else { return }
            let key = new & (1 << 16) != 0
            let bits = new & 0xFFFF
            switch (lockStep, key) {
            case (0, true): lockStep = 1; lockKeyBits = bits
            case (1, false) where bits == lockKeyBits: lockStep = 2
            case (2, true) where bits == lockKeyBits:
                lockStep = 3
                locked = bits
                regs[Offset.lckr] = bits
            default: lockStep = key ? 1 : 0; lockKeyBits = bits
            }
        case Offset.moder, Offset.otyper, Offset.ospeedr, Offset.pupdr, Offset.afrl, Offset.afrh, Offset.hslvr:
            let frozen = lockedMask(reg)
            if frozen != 0, (register(reg) ^ new) & frozen != 0 {
                log.record(.gpioLockViolation(port: name, register: registerName(at: reg)))
            }
            regs[reg] = (new & ~frozen) | (register(reg) & frozen)
        default:
            regs[reg] = new
        }
    }

    private func lockedMask(_ reg: UInt32) -> UInt32 {
        guard lockStep == 4 else { return 0 }
        var m: UInt32 = 0
        for pin in 0..<16 where locked & (1 << UInt32(pin)) != 0 {
            switch reg {
            case Offset.moder, Offset.ospeedr, Offset.pupdr: m |= 3 << UInt32(2 * pin)
            case Offset.otyper, Offset.hslvr: m |= 1 << UInt32(pin)
            case Offset.afrl where pin < 8: m |= 0xF << UInt32(4 * pin)
            case Offset.afrh where pin >= 8: m |= 0xF << UInt32(4 * (pin - 8))
            default: break
            }
        }
        return m
    }
}
