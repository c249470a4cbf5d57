/// What Init learned about the flash (from its SFDP, the errata table or the built-in
/// fallback), kept in .bss for the calls that follow in the same download. All zero until
/// Init has run.
/// `nonisolated(unsafe)`: one thread, interrupts masked (see LoaderState).
enum Profile {
    /// Bytes; a power of two, at most the 256 MiB an OCTOSPI window maps.
    nonisolated(unsafe) static var size: UInt32 = 0
    nonisolated(unsafe) static var pageSize: UInt32 = 0
    /// Erase types, smallest first: byte i of `eraseShifts` is log2 of type i's size (0 = no
    /// such type), byte i of `eraseOpcodes` its opcode (for the address width in use).
    nonisolated(unsafe) static var eraseShifts: UInt32 = 0
    nonisolated(unsafe) static var eraseOpcodes: UInt32 = 0
    /// The read used in memory-mapped mode: opcode b7:0, dummy cycles b12:8, b16 address on 4
    /// lines (1-4-4, else 1-1-4), b17 a mode byte (0xFF, 2 clocks on 4 lines) before the dummies.
    nonisolated(unsafe) static var read: UInt32 = 0
    /// Page program: opcode b7:0, b8 data on 4 lines, b9 address on 4 lines.
    nonisolated(unsafe) static var program: UInt32 = 0
    nonisolated(unsafe) static var flags: UInt32 = 0

    enum Flag {
        /// Every address is 32 bits (4-byte opcodes, or the flash put in 4-byte mode).
        static let fourByteAddress: UInt32 = 1 << 0
        /// Program/erase errors in ISSI's Extended Read Register (81h, cleared by 82h).
        static let issiErrorRegister: UInt32 = 1 << 1
        /// The part is in octal DTR (OPI DTR): every command is 8D-8D-8D (OctalDTR.swift).
        static let octal: UInt32 = 1 << 2
        /// The board wires an octal part (BoardConfig flags b1): Discovery learns it for OPI DTR.
        static let octalBoard: UInt32 = 1 << 3
    }

    enum ReadBits {
        static let quadAddress: UInt32 = 1 << 16
        static let modeByte: UInt32 = 1 << 17
    }

    static var fourByteAddress: Bool { flags & Flag.fourByteAddress != 0 }

    /// CCR.ADSIZE: 11 = 32 bits, 10 = 24 bits.
    static var addressSize: UInt32 { fourByteAddress ? 0b11 : 0b10 }

    static var smallestEraseShift: UInt32 { eraseShifts & 0xFF }

    static func readCommand() -> SPICommand {
        #if OCTAL
        if isOctal {
            return SPICommand(octal: UInt8(truncatingIfNeeded: read), hasAddress: true, dummyCycles: (read >> 8) & 0x1F, data: true, strobe: true)
        }
        #endif
        let quad = read & ReadBits.quadAddress != 0
        return SPICommand(
            instruction: UInt8(truncatingIfNeeded: read), addressLines: quad ? .four : .one, addressSize: addressSize,
            dummyCycles: (read >> 8) & 0x1F, dataLines: .four, modeByte: read & ReadBits.modeByte != 0)
    }

    static func programCommand(offset: UInt32) -> SPICommand {
        #if OCTAL
        // Writes are not strobed: DQS is the flash's output, used for reads only.
        if isOctal { return SPICommand(octal: UInt8(truncatingIfNeeded: program), address: offset, hasAddress: true, data: true) }
        #endif
        return SPICommand(
            instruction: UInt8(truncatingIfNeeded: program), addressLines: program & (1 << 9) != 0 ? .four : .one,
            address: offset, addressSize: addressSize, dataLines: program & (1 << 8) != 0 ? .four : .one)
    }

    #if OCTAL
    /// XOR giving the second byte of an 8D-8D-8D instruction from the opcode: 0xFF for the
    /// inverted extension (BFPT dword 18 b30:29 = 01, Macronix), 0 for a repeated opcode.
    nonisolated(unsafe) static var opcodeExtensionXor: UInt8 = 0
    /// Read Status/Configuration Register 2 in 8D-8D-8D: dummy cycles (xSPI profile 1.0 dword 1
    /// b28: 8, else 4), always with a 4-byte address of 0 on the parts served (b29).
    nonisolated(unsafe) static var registerDummyCycles: UInt32 = 0

    static var isOctal: Bool { flags & Flag.octal != 0 }
    #endif
}
