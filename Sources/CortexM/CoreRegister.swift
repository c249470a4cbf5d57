import CUnicorn

/// The core registers a caller may read or set between calls.
public enum CoreRegister: Sendable, CaseIterable {
    case r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12
    case sp, lr, pc, xpsr, msp, psp, primask, faultmask, basepri, control

    var unicornID: Int32 {
        let id: uc_arm_reg
        switch self {
        case .r0: id = UC_ARM_REG_R0
        case .r1: id = UC_ARM_REG_R1
        case .r2: id = UC_ARM_REG_R2
        case .r3: id = UC_ARM_REG_R3
        case .r4: id = UC_ARM_REG_R4
        case .r5: id = UC_ARM_REG_R5
        case .r6: id = UC_ARM_REG_R6
        case .r7: id = UC_ARM_REG_R7
        case .r8: id = UC_ARM_REG_R8
        case .r9: id = UC_ARM_REG_R9
        case .r10: id = UC_ARM_REG_R10
        case .r11: id = UC_ARM_REG_R11
        case .r12: id = UC_ARM_REG_R12
        case .sp: id = UC_ARM_REG_SP
        case .lr: id = UC_ARM_REG_LR
        case .pc: id = UC_ARM_REG_PC
        case .xpsr: id = UC_ARM_REG_XPSR
        case .msp: id = UC_ARM_REG_MSP
        case .psp: id = UC_ARM_REG_PSP
        case .primask: id = UC_ARM_REG_PRIMASK
        case .faultmask: id = UC_ARM_REG_FAULTMASK
        case .basepri: id = UC_ARM_REG_BASEPRI
        case .control: id = UC_ARM_REG_CONTROL
        }
        return Int32(bitPattern: id.rawValue)
    }
}

/// A mapped address range.
public struct MemoryRegion: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case ram
        /// Bus accesses go to the named peripheral model.
        case mmio(peripheral: String)
    }

    public var name: String
    public var base: UInt32
    public var size: UInt32
    public var kind: Kind

    public var end: UInt64 { UInt64(base) + UInt64(size) }

    public func contains(_ address: UInt32) -> Bool { address >= base && UInt64(address) < end }

    public var description: String {
        "\(name) 0x\(String(base, radix: 16))–0x\(String(end - 1, radix: 16))" + (kind == .ram ? " RAM" : " MMIO")
    }
}

extension CoreRegister {
    /// R0–R12, SP (13), LR (14), PC (15) by number, as instruction encodings name them.
    static func general(_ number: Int) -> CoreRegister {
        let numbered: [CoreRegister] = [.r0, .r1, .r2, .r3, .r4, .r5, .r6, .r7, .r8, .r9, .r10, .r11, .r12, .sp, .lr, .pc]
        return numbered[number & 15]
    }
}
