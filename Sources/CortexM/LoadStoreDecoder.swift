/// The address and width of a Thumb-2 load or store, decoded from its encoding and the
/// registers it reads, for the alignment rule of Device memory.
///
/// Why: a memory hook (UC_HOOK_MEM_READ/WRITE) would see every access with the instruction's
/// own address and size, but in Unicorn 2.0.1 any such hook, whatever its range, sends every
/// load and store of the guest (RAM included) through the slow path. Unicorn splits an
/// unaligned MMIO access before a peripheral sees it (two aligned loads of the same size, or
/// one store per byte), so the MMIO callback decodes the instruction at the exact PC instead
/// and computes the address the instruction asked for. The registers hold their values from
/// before the instruction: QEMU writes the loaded value and any base writeback after the access.
///
/// Covered (ARMv8-M ARM, "Thumb instruction set encoding", load/store sections): every
/// 16-bit load/store (register, immediate, SP-relative, LDM/STM, PUSH/POP) and the 32-bit
/// single-item loads/stores (imm12, imm8 with index/writeback, register, literal), LDRD/STRD
/// and LDM/STM/PUSH.W/POP.W. Not covered (nil: no alignment check here): exclusives and
/// table branches (Unicorn enforces their alignment itself), coprocessor (VLDR/VSTR) transfers.
enum LoadStoreDecoder {
    struct Access: Equatable {
        /// The first byte the instruction accesses.
        var address: UInt32
        /// 1, 2 or 4 (LDRD/STRD and multiple transfers: 4, the width of each access).
        var bytes: UInt32
        var isWrite: Bool
    }

    /// What to compute the address from: base register, then an offset.
    struct Recipe: Equatable {
        enum Offset: Equatable {
            case immediate(Int32)
            /// Rm shifted left.
            case register(Int, shift: UInt32)
        }
        /// 0–15; 13 is SP, 15 means a literal (Align(PC, 4) + 4 as the base).
        var base: Int
        var offset: Offset
        var bytes: UInt32
        var isWrite: Bool
    }

    /// The recipe for the instruction whose halfwords are `first` and `second` (ignored for
    /// a 16-bit instruction), nil when it is not a data access the decoder covers.
    static func recipe(_ first: UInt16, _ second: UInt16) -> Recipe? {
        let h = UInt32(first), s = UInt32(second)
        if ThumbDecoder.isWide(first) { return wideRecipe(h, s) }
        let rn = Int((h >> 3) & 7)
        switch h >> 12 {
        case 0b0101:
            // STR, STRH, STRB, LDRSB, LDR, LDRH, LDRB, LDRSH (register offset).
            let op = (h >> 9) & 7
            let bytes: [UInt32] = [4, 2, 1, 1, 4, 2, 1, 2]
            return Recipe(base: rn, offset: .register(Int((h >> 6) & 7), shift: 0), bytes: bytes[Int(op)], isWrite: op <= 2)
        case 0b0110:  // STR/LDR (immediate), imm5 × 4
            return Recipe(base: rn, offset: .immediate(Int32((h >> 6) & 31) * 4), bytes: 4, isWrite: h & 0x800 == 0)
        case 0b0111:  // STRB/LDRB (immediate)
            return Recipe(base: rn, offset: .immediate(Int32((h >> 6) & 31)), bytes: 1, isWrite: h & 0x800 == 0)
        case 0b1000:  // STRH/LDRH (immediate), imm5 × 2
            return Recipe(base: rn, offset: .immediate(Int32((h >> 6) & 31) * 2), bytes: 2, isWrite: h & 0x800 == 0)
        case 0b1001:  // STR/LDR (SP-relative), imm8 × 4
            return Recipe(base: 13, offset: .immediate(Int32(h & 0xFF) * 4), bytes: 4, isWrite: h & 0x800 == 0)
        case 0b1100:  // STM/LDM (IA)
            return Recipe(base: Int((h >> 8) & 7), offset: .immediate(0), bytes: 4, isWrite: h & 0x800 == 0)
        case 0b1011:
            // PUSH: 1011 010M list (stores below SP); POP: 1011 110P list.
            let registers = Int32((h & 0xFF).nonzeroBitCount + Int((h >> 8) & 1))
            if h & 0x0E00 == 0x0400 { return Recipe(base: 13, offset: .immediate(-4 * registers), bytes: 4, isWrite: true) }
            if h & 0x0E00 == 0x0C00 { return Recipe(base: 13, offset: .immediate(0), bytes: 4, isWrite: false) }
            return nil
        case 0b0100:
            // LDR (literal): 0100 1ttt imm8, word-aligned by construction.
            guard h & 0x0800 != 0 else { return nil }
            return Recipe(base: 15, offset: .immediate(Int32(h & 0xFF) * 4), bytes: 4, isWrite: false)
        default:
            return nil
        }
    }

    private static func wideRecipe(_ h: UInt32, _ s: UInt32) -> Recipe? {
        let rn = Int(h & 0xF)
        if h & 0xFE00 == 0xF800 {
            // Single data item: 1111 100 S U? size L Rn (bit 7 selects the imm12 form).
            let size = (h >> 5) & 3
            guard size != 3 else { return nil }
            let bytes: UInt32 = 1 << size
            let isWrite = h & 0x10 == 0
            guard !isWrite || h & 0x100 == 0 else { return nil }
            let rt = (s >> 12) & 0xF
            // PLD/PLI (a byte or halfword "load" into PC) touch no memory.
            if !isWrite, rt == 15, size != 2 { return nil }
            if rn == 15 {
                guard !isWrite else { return nil }
                let imm = Int32(s & 0xFFF)
                return Recipe(base: 15, offset: .immediate(h & 0x80 != 0 ? imm : -imm), bytes: bytes, isWrite: false)
            }
            if h & 0x80 != 0 { return Recipe(base: rn, offset: .immediate(Int32(s & 0xFFF)), bytes: bytes, isWrite: isWrite) }
            if s & 0x800 != 0 {
                // imm8 with P (index), U (add), W (writeback); post-indexed accesses Rn itself.
                let imm = Int32(s & 0xFF)
                let indexed = s & 0x400 != 0
                let add = s & 0x200 != 0
                return Recipe(base: rn, offset: .immediate(indexed ? (add ? imm : -imm) : 0), bytes: bytes, isWrite: isWrite)
            }
            if s & 0xFC0 == 0 {
                return Recipe(base: rn, offset: .register(Int(s & 0xF), shift: (s >> 4) & 3), bytes: bytes, isWrite: isWrite)
            }
            return nil
        }
        if h & 0xFE40 == 0xE840, h & 0x0120 != 0 {
            // LDRD/STRD (immediate): 1110 100P U1WL Rn, imm8 × 4; P = 0 is post-indexed.
            let imm = Int32(s & 0xFF) * 4
            let indexed = h & 0x100 != 0
            let add = h & 0x80 != 0
            let isWrite = h & 0x10 == 0
            if rn == 15 {
                guard !isWrite else { return nil }
                return Recipe(base: 15, offset: .immediate(add ? imm : -imm), bytes: 4, isWrite: false)
            }
            return Recipe(base: rn, offset: .immediate(indexed ? (add ? imm : -imm) : 0), bytes: 4, isWrite: isWrite)
        }
        switch h & 0xFFD0 {
        case 0xE880, 0xE890:  // STM/LDM (IA), POP.W
            return Recipe(base: rn, offset: .immediate(0), bytes: 4, isWrite: h & 0x10 == 0)
        case 0xE900, 0xE910:  // STMDB/LDMDB, PUSH.W: the lowest address is Rn − 4 × registers
            return Recipe(base: rn, offset: .immediate(-4 * Int32((s & 0xFFFF).nonzeroBitCount)), bytes: 4, isWrite: h & 0x10 == 0)
        default:
            return nil
        }
    }

    /// The access `recipe` makes with the registers `register` reads (before the instruction)
    /// and the instruction at `pc`.
    static func access(_ recipe: Recipe, pc: UInt32, register: (Int) -> UInt32) -> Access {
        let base = recipe.base == 15 ? (pc &+ 4) & ~3 : register(recipe.base)
        let address: UInt32
        switch recipe.offset {
        case .immediate(let value): address = base &+ UInt32(bitPattern: value)
        case .register(let rm, let shift): address = base &+ (register(rm) << shift)
        }
        return Access(address: address, bytes: recipe.bytes, isWrite: recipe.isWrite)
    }
}
