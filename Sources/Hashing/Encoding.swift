import Foundation

/// Text forms of digests as S3 and Azure headers want them: lower-case hex, Base64.
extension Sequence where Element == UInt8 {
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var base64String: String { Data(self).base64EncodedString() }
}
