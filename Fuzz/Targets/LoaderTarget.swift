import ELF
import LoaderFile

/// ELF reader + LoaderFile + lint + the inspect report, on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLoader(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    guard let loader = try? LoaderFile(bytes: bytes, name: "FUZZ.stldr") else { return 0 }
    let findings = loader.lint()
    let report = InspectReport(loader: loader, findings: findings)
    _ = report.text()
    _ = report.json()
    return 0
}
