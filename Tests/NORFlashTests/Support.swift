import Testing
@testable import NORFlash
