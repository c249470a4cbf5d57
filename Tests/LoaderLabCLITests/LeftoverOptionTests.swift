import Foundation
import Testing
import TestSupport

/// `--leftover` names a mode the board's part can be in; a part without it is bad input.
@Suite("loaderlab program --leftover on parts without the mode")
struct LeftoverOptionTests {
    @Test("--leftover qpi on the MX25LM51245G board (an octal part with no QPI) exits 2 naming the part")
    func qpiOnAnOctalPart() throws {
        try Repository.ensureBuilt("build/IS25LP512M_STM32U5G7.stldr", by: "Firmware/build.sh")
        let bin = ProgramCommandTests.temporary("app.bin")
        try Data(repeating: 0x5A, count: 0x100).write(to: URL(fileURLWithPath: bin))
        defer { try? FileManager.default.removeItem(atPath: bin) }
        let base = ["program", bin, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--load-address", "0x90000000",
                    "--board", "stm32u5a9-mx25lm51245g"]
        let refused = try ProgramCommandTests.loaderlab(base + ["--leftover", "qpi"])
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("MX25LM51245G has no QPI mode"), "\(refused.stderr)")
        // 4-byte mode exists on it (B7h in SPI): not refused as bad input.
        let fourByte = try ProgramCommandTests.loaderlab(base + ["--leftover", "4-byte"])
        #expect(fourByte.status != 2 || !fourByte.stderr.contains("--leftover"), "\(fourByte.stderr)")
    }
}
