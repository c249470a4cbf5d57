import ELF
import Testing
@testable import LoaderFile

/// A damaged loader either fails to read with an error or reads and lints without trapping.
@Suite struct DamagedLoaderTests {
    @Test func randomDamageNeverTrapsReadingLintingOrReporting() {
        let good = LoaderFixture().build()
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        var read = 0
        for _ in 0..<2000 {
            var bytes = good
            for _ in 0..<(1 + Int(next() % 4)) {
                bytes[Int(next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: next())
            }
            guard let loader = try? LoaderFile(bytes: bytes, name: "IS25LP512M_STM32U5G7.stldr") else { continue }
            read += 1
            let findings = loader.lint()
            let report = InspectReport(loader: loader, findings: findings)
            #expect(!report.text().isEmpty)
            #expect(report.json().hasPrefix("{"))
        }
        #expect(read > 0)
    }
}
