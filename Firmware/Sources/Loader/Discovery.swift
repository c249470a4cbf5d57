/// Turns the part's SFDP (or the built-in fallback), corrected by the errata table, into the
/// Profile the entry points use, then prepares the part for it (QE, protection, 4-byte mode).
enum Discovery {
    static let sixteenMiB: UInt32 = 16 << 20

    static func configure(_ flash: QuadFlash, id: UInt32) -> Bool {
        // Learning and preparing are two calls so that the SFDP tables are off the stack
        // before the deepest call chain (a status-register write) runs.
        let plan = learn(flash, id: id)
        guard plan != 0 else { return false }
        let maker = id & 0xFF
        guard flash.enableQuadAndUnprotect(qer: plan & 0b111, protection: Errata.protectionBits(maker: maker)) else { return false }
        let enter4Byte = (plan >> 4) & 0b11
        if enter4Byte != 0 {
            if enter4Byte & 0b10 != 0 && !flash.writeEnable() { return false }
            guard flash.spi.run(SPICommand(instruction: SPINOR.Opcode.enter4ByteMode)) else { return false }
        }
        return maker != Errata.issi || flash.issiDefaultReadParameters()
    }

    /// Fills Profile; returns 0 when the part cannot be served, else 0x100 | the QER (b2:0) |
    /// BFPT dword 16's 4-byte entry bits b25:24 when they are to be used (b5:4).
    @inline(never) private static func learn(_ flash: QuadFlash, id: UInt32) -> UInt32 {
        let maker = id & 0xFF
        var tables = SFDP.Tables()
        guard SFDP.read(flash.spi, into: &tables) || Errata.fallback(id: id, into: &tables) else { return 0 }
        Errata.fix(&tables, id: id)
        Profile.size = tables.sizeBytes
        Profile.pageSize = tables.pageSize
        #if OCTAL
        if Profile.flags & Profile.Flag.octalBoard != 0 {
            // 8D-8D-8D has 4-byte addresses only: the 4BAIT's erase opcodes, or the usual
            // 21h/5Ch/DCh for 20h/52h/D8h when the part lists none (MX25LM51245G: 21h, DCh).
            if tables.fourByteSupport == 0 { Errata.synthesize4BAIT(&tables) }
            OctalDTR.learn(profileDword1: tables.profileDword1, profileDword4: tables.profileDword4, bfptDword18: tables.bfptDword18)
            guard chooseErases(tables, fourByteOpcodes: true) else { return 0 }
            return 0x100 | tables.qer & 0b111
        }
        #endif

        // Above 16 MiB every address is 32 bits: dedicated 4-byte opcodes when the 4BAIT (or the
        // errata) lists them, else the 3-byte opcodes with the part switched to 4-byte mode the
        // way BFPT dword 16 says.
        let wide = tables.sizeBytes > sixteenMiB
        // A 4BAIT counts only with a 4-byte read, program and erase (6Ch/ECh, 12h/34h, an erase
        // type), as in Linux's spi_nor_parse_4bait; otherwise B7h mode.
        let support = tables.fourByteSupport
        let fourByteOpcodes = wide && support & 0x30 != 0 && support & 0xC0 != 0 && support & 0x1E00 != 0
        var enter4Byte: UInt32 = 0
        if wide && !fourByteOpcodes {
            enter4Byte = tables.enter4Byte & 0b11
            guard enter4Byte != 0 else { return 0 }
        }
        Profile.flags = wide ? Profile.Flag.fourByteAddress : 0
        if maker == Errata.issi { Profile.flags |= Profile.Flag.issiErrorRegister }

        guard chooseErases(tables, fourByteOpcodes: fourByteOpcodes), chooseRead(tables, fourByteOpcodes: fourByteOpcodes) else { return 0 }
        if fourByteOpcodes {
            Profile.program = support & (1 << 7) != 0 ? 0x34 | 1 << 8 : 0x12
        } else {
            Profile.program = Errata.threeByteProgram(maker: maker)
        }
        return 0x100 | tables.qer & 0b111 | enter4Byte << 4
    }

    /// Erase types 1-4 of BFPT dwords 8/9 (with their 4-byte opcodes when used), smallest first.
    private static func chooseErases(_ tables: SFDP.Tables, fourByteOpcodes: Bool) -> Bool {
        var shifts: UInt32 = 0
        var opcodes: UInt32 = 0
        var type: UInt32 = 0
        while type < 4 {
            let half = (type < 2 ? tables.eraseTypes.0 : tables.eraseTypes.1) >> (16 * (type & 1))
            let shift = half & 0xFF
            var opcode = (half >> 8) & 0xFF
            if fourByteOpcodes {
                opcode = tables.fourByteSupport & (1 << (9 + type)) != 0 ? (tables.fourByteErase >> (8 * type)) & 0xFF : 0
            }
            if shift >= 8 && shift <= 24 && opcode != 0 {
                // Insert into the sorted byte lists; a size already present keeps its first opcode.
                var slot: UInt32 = 0
                while slot < 4 && (shifts >> (8 * slot)) & 0xFF != 0 && (shifts >> (8 * slot)) & 0xFF < shift { slot += 1 }
                if slot < 4 && (shifts >> (8 * slot)) & 0xFF != shift {
                    let low: UInt32 = slot == 0 ? 0 : (UInt32(1) << (8 * slot)) &- 1
                    shifts = (shifts & low) | shift << (8 * slot) | (shifts & ~low) << 8
                    opcodes = (opcodes & low) | opcode << (8 * slot) | (opcodes & ~low) << 8
                }
            }
            type += 1
        }
        Profile.eraseShifts = shifts
        Profile.eraseOpcodes = opcodes
        return shifts != 0
    }

    /// 1-4-4 when the BFPT lists it with 0 or 2 mode clocks (2 = one mode byte on 4 lines),
    /// else 1-1-4 with mode clocks counted as dummies. EBh/6Bh become ECh/6Ch with 4-byte opcodes.
    private static func chooseRead(_ tables: SFDP.Tables, fourByteOpcodes: Bool) -> Bool {
        let quadIO = tables.readSettings & 0xFFFF
        let quadIOMode = (quadIO >> 5) & 0b111
        if tables.dword1 & (1 << 21) != 0 && (quadIOMode == 0 || quadIOMode == 2)
            && (!fourByteOpcodes || tables.fourByteSupport & (1 << 5) != 0) {
            let opcode = fourByteOpcodes ? 0xEC : quadIO >> 8
            Profile.read = opcode | (quadIO & 0x1F) << 8 | Profile.ReadBits.quadAddress | (quadIOMode == 2 ? Profile.ReadBits.modeByte : 0)
            return true
        }
        let quadOut = tables.readSettings >> 16
        if tables.dword1 & (1 << 22) != 0 && (!fourByteOpcodes || tables.fourByteSupport & (1 << 4) != 0) {
            let opcode = fourByteOpcodes ? 0x6C : quadOut >> 8
            Profile.read = opcode | (((quadOut >> 5) & 0b111) + (quadOut & 0x1F)) << 8
            return true
        }
        return false
    }
}
