import NORFlash

/// Decodes a CCR/TCR/IR/ABR register set (regular, WP… or W… for writes in memory-mapped
/// mode) into the phases the OCTOSPI puts on the wires (RM0456 §26 OCTOSPI_CCR: mode
/// 000 none, 001 1 line, 010 2, 011 4, 100 8; size 00 8-bit … 11 32-bit).
public struct OCTOSPICommand: Hashable, Sendable {
    public var ccr: UInt32
    public var tcr: UInt32
    public var ir: UInt32
    public var abr: UInt32

    public init(ccr: UInt32, tcr: UInt32, ir: UInt32, abr: UInt32) {
        self.ccr = ccr
        self.tcr = tcr
        self.ir = ir
        self.abr = abr
    }

    static func lines(_ mode: UInt32) -> Int {
        switch mode { case 1: 1; case 2: 2; case 3: 4; default: 8 }
    }

    public var instructionMode: UInt32 { ccr & 7 }
    public var addressMode: UInt32 { (ccr >> 8) & 7 }
    public var alternateMode: UInt32 { (ccr >> 16) & 7 }
    public var dataMode: UInt32 { (ccr >> 24) & 7 }
    public var hasAddress: Bool { addressMode != 0 }
    public var hasData: Bool { dataMode != 0 }
    public var dummyCycles: Int { Int(tcr & 0x1F) }
    /// CCR.DQSE (b29): read data is latched on the flash's DQS strobe.
    public var dataStrobe: Bool { ccr & (1 << 29) != 0 }

    /// The transaction for `address` (used only when ADMODE ≠ 0) and `direction`.
    public func transaction(address: UInt32, direction: SPITransaction.Direction) -> SPITransaction {
        let iSize = Int((ccr >> 4) & 3) + 1
        let aSize = Int((ccr >> 12) & 3) + 1
        let abSize = Int((ccr >> 20) & 3) + 1
        func fmt(_ mode: UInt32, dtrBit: UInt32) -> SPIPhaseFormat {
            SPIPhaseFormat(lines: mode == 0 ? 1 : OCTOSPICommand.lines(mode), doubleTransferRate: ccr & (1 << dtrBit) != 0)
        }
        func truncate(_ v: UInt32, bytes: Int) -> UInt32 { bytes >= 4 ? v : v & ((1 << UInt32(bytes * 8)) - 1) }
        // Absent phases keep `SPITransaction`'s defaults so equal wire traffic compares equal.
        let none = SPIPhaseFormat.single
        return SPITransaction(
            instruction: instructionMode == 0 ? nil : truncate(ir, bytes: iSize),
            instructionSize: instructionMode == 0 ? 1 : iSize,
            instructionFormat: instructionMode == 0 ? none : fmt(instructionMode, dtrBit: 3),
            address: hasAddress ? truncate(address, bytes: aSize) : nil,
            addressSize: hasAddress ? aSize : 3,
            addressFormat: hasAddress ? fmt(addressMode, dtrBit: 11) : none,
            alternateBytes: alternateMode == 0 ? nil : truncate(abr, bytes: abSize),
            alternateSize: alternateMode == 0 ? 1 : abSize,
            alternateFormat: alternateMode == 0 ? none : fmt(alternateMode, dtrBit: 19),
            dummyCycles: dummyCycles,
            direction: hasData ? direction : .none,
            dataFormat: hasData ? fmt(dataMode, dtrBit: 27) : none,
            dataStrobe: hasData && dataStrobe
        )
    }
}
