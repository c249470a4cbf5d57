import ELF

/// Signs that the loader relies on interrupts, which CubeProgrammer has not allowed since 2.7
/// (ST KB "failed to download Segment[0]"; cubeprogrammer-loader.md §1.4, §4 item 1). These are
/// byte-pattern heuristics, so they are warnings: a literal can look like an instruction.
enum InterruptRules {
    /// Thumb `CPSIE i` (ARMv7-M ARM A7.7.25): 0xB662.
    static let cpsieI: UInt16 = 0xB662
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
                if UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 == cpsieI {
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
