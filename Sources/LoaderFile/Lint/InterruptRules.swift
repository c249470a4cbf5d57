import ELF

/// Signs that the loader relies on interrupts, which CubeProgrammer has not allowed since 2.7
/// (ST KB "failed to download Segment[0]"; cubeprogrammer-loader.md §1.4, §4 item 1). These are
/// byte-pattern heuristics, so they are warnings: a literal can look like an instruction.
enum InterruptRules {
    /// Thumb `CPSIE i` and `CPSIE if`: CPS encoding T1 is 0xB660 | im<<4 | I<<1 | F, im = 0 enables
    /// (so `CPSID i`, 0xB672, does not match).
    static let cpsieI: Set<UInt16> = [0xB662, 0xB663]
    /// SCB->VTOR (ARMv7-M ARM B3.2.5).
    static let vtorAddress: UInt32 = 0xE000_ED08
    static let vectorTableSymbols = ["SysTick_Handler", "g_pfnVectors", "__isr_vector", "__Vectors", "__vector_table", "isr_vector"]

    static func check(_ loader: LoaderFile) -> [Finding] {
        var findings: [Finding] = []
        let segments = loader.downloadedSegments

        var cpsieHits: [(UInt32, Int)] = []
        for segment in segments where segment.isExecutable {
            let bytes = segment.bytes
            var index = Int(segment.virtualAddress & 1)  // instructions are halfword-aligned
            while index + 1 < bytes.count {
                if cpsieI.contains(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8) {
                    cpsieHits.append((segment.virtualAddress &+ UInt32(index), Int(segment.fileOffset) + index))
                }
                index += 2
            }
        }
        if let (address, offset) = cpsieHits.first {
            findings.append(Finding(
                code: "interrupts-enabled", severity: .warning,
                message: "code contains CPSIE i (enable interrupts) \(cpsieHits.count) time\(cpsieHits.count == 1 ? "" : "s"), first\(where: address, loader); interrupts are not allowed in loaders since CubeProgrammer 2.7",
                address: address, fileOffset: offset
            ))
        }

        for segment in segments {
            let bytes = segment.bytes
            var index = Int((4 - segment.virtualAddress % 4) % 4)  // literal pools are word-aligned
            while index + 3 < bytes.count {
                let word = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
                if word == vtorAddress {
                    let address = segment.virtualAddress &+ UInt32(index)
                    findings.append(Finding(
                        code: "vtor-write", severity: .warning,
                        message: "the literal 0xE000ED08 (SCB->VTOR)\(where: address, loader) suggests the loader relocates the vector table to take interrupts",
                        address: address, fileOffset: Int(segment.fileOffset) + index
                    ))
                    break
                }
                index += 4
            }
        }

        for segment in segments where segment.isExecutable {
            if let index = movwMovtPair(loading: vtorAddress, in: segment.bytes, startingAt: Int(segment.virtualAddress & 1)) {
                let address = segment.virtualAddress &+ UInt32(index)
                if !findings.contains(where: { $0.code == "vtor-write" }) {
                    findings.append(Finding(
                        code: "vtor-write", severity: .warning,
                        message: "MOVW/MOVT build the address 0xE000ED08 (SCB->VTOR)\(where: address, loader): the loader relocates the vector table to take interrupts",
                        address: address, fileOffset: Int(segment.fileOffset) + index
                    ))
                }
            }
        }

        for name in vectorTableSymbols {
            if let symbol = loader.elf.symbol(named: name), symbol.isDefined {
                findings.append(Finding(
                    code: "vector-table", severity: .warning,
                    message: "the loader defines \(name): a vector table or interrupt handler, but the host never takes interrupts for a loader (HAL_Delay on SysTick will hang)",
                    address: symbol.value, fileOffset: symbol.fileOffset
                ))
            }
        }
        return findings
    }
}

extension InterruptRules {
    /// The offset of a Thumb-2 `MOVW Rd, #lo16` followed within 8 instructions by
    /// `MOVT Rd, #hi16` for the same register: how clang and GCC materialise a 32-bit constant
    /// without a literal pool (ARMv7-M ARM A7.7.76 MOVW encoding T3, A7.7.79 MOVT encoding T1).
    static func movwMovtPair(loading value: UInt32, in bytes: [UInt8], startingAt start: Int) -> Int? {
        func halfword(_ i: Int) -> UInt16? {
            i >= 0 && i + 1 < bytes.count ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : nil
        }
        /// (register, imm16) of a MOVW, or of a MOVT when `top`, at `i`.
        func decode(_ i: Int, top: Bool) -> (UInt16, UInt16)? {
            guard let first = halfword(i), let second = halfword(i + 2) else { return nil }
            guard first & 0xFBF0 == (top ? 0xF2C0 : 0xF240), second & 0x8000 == 0 else { return nil }
            let imm16 = (first & 0xF) << 12 | (first >> 10 & 1) << 11 | (second >> 12 & 7) << 8 | (second & 0xFF)
            return (second >> 8 & 0xF, imm16)
        }
        var i = start
        while i + 3 < bytes.count {
            if let (register, low) = decode(i, top: false), low == UInt16(value & 0xFFFF) {
                for j in stride(from: i + 4, through: i + 32, by: 2) {
                    if let (topRegister, high) = decode(j, top: true), topRegister == register {
                        if high == UInt16(value >> 16) { return i }
                        break
                    }
                }
            }
            i += 2
        }
        return nil
    }
}

extension DefaultStringInterpolation {
    /// ` at 0x2000_0104 (Init+0x1A)`
    mutating func appendInterpolation(where address: UInt32, _ loader: LoaderFile) {
        if let (name, offset) = loader.elf.symbolize(address: address) {
            appendLiteral(" at \(hexAddress(address)) (\(name)+\(hex(offset)))")
        } else {
            appendLiteral(" at \(hexAddress(address))")
        }
    }
}
