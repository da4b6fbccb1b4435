import Foundation

// PK.md §6.1: between events the exact update is a matrix exponential. Square matrices are stored row-major in
// flat [Double] arrays; sizes here stay under ~25, so plain loops beat anything clever.

/// Dense square-matrix helpers for the simulator.
enum DenseMatrix {
    /// exp(A) by scaling and squaring with a [6/6] Padé approximant: ‖A/2^s‖∞ ≤ 0.5 keeps the truncation
    /// error near 1e-17 (Moler & Van Loan 2003, "Nineteen dubious ways", method 3).
    static func exponential(_ a: [Double], size n: Int) -> [Double] {
        var norm = 0.0
        for row in 0..<n {
            var sum = 0.0
            for column in 0..<n { sum += abs(a[row * n + column]) }
            norm = max(norm, sum)
        }
        var squarings = 0
        if norm > 0.5 { squarings = Int((log2(norm / 0.5)).rounded(.up)) }
        let scale = pow(2.0, -Double(squarings))
        let x = a.map { $0 * scale }

        // c_k = c_{k-1} (p − k + 1) / (k (2p − k + 1)) for p = 6.
        let c: [Double] = [1, 1.0 / 2, 5.0 / 44, 1.0 / 66, 1.0 / 792, 1.0 / 15_840, 1.0 / 665_280]
        let x2 = multiply(x, x, size: n)
        let x4 = multiply(x2, x2, size: n)
        let x6 = multiply(x4, x2, size: n)
        var oddInner = [Double](repeating: 0, count: n * n)  // c1 I + c3 X² + c5 X⁴
        var even = [Double](repeating: 0, count: n * n)  // c0 I + c2 X² + c4 X⁴ + c6 X⁶
        for i in 0..<(n * n) {
            oddInner[i] = c[3] * x2[i] + c[5] * x4[i]
            even[i] = c[2] * x2[i] + c[4] * x4[i] + c[6] * x6[i]
        }
        for d in 0..<n {
            oddInner[d * n + d] += c[1]
            even[d * n + d] += c[0]
        }
        let odd = multiply(x, oddInner, size: n)
        var numerator = even
        var denominator = even
        for i in 0..<(n * n) {
            numerator[i] += odd[i]
            denominator[i] -= odd[i]
        }
        var result = solve(denominator, numerator, size: n)
        for _ in 0..<squarings { result = multiply(result, result, size: n) }
        return result
    }

    /// A · B.
    static func multiply(_ a: [Double], _ b: [Double], size n: Int) -> [Double] {
        var product = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n {
                let aik = a[i * n + k]
                if aik == 0 { continue }
                for j in 0..<n { product[i * n + j] += aik * b[k * n + j] }
            }
        }
        return product
    }

    /// X with A · X = B (A is well conditioned here: the denominator of the Padé approximant).
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double] {
        LUFactorization(a, size: n)?.solve(b) ?? b
    }
}

/// A = P·L·U with partial pivoting, kept to solve A·X = B for several right-hand sides.
struct LUFactorization {
    /// n.
    let size: Int
    private var lu: [Double]
    private var pivots: [Int]

    /// Factorises `a`; nil when a pivot is (numerically) zero, i.e. A is singular.
    init?(_ a: [Double], size n: Int) {
        size = n
        lu = a
        pivots = Array(0..<n)
        var largest = 0.0
        for value in a { largest = max(largest, abs(value)) }
        let tiny = largest * Double(n) * 1e-14
        for column in 0..<n {
            var pivot = column
            for row in column..<n where abs(lu[row * n + column]) > abs(lu[pivot * n + column]) { pivot = row }
            guard abs(lu[pivot * n + column]) > tiny else { return nil }
            if pivot != column {
                for j in 0..<n { lu.swapAt(column * n + j, pivot * n + j) }
                pivots.swapAt(column, pivot)
            }
            let diagonal = lu[column * n + column]
            for row in (column + 1)..<max(n, column + 1) {
                let factor = lu[row * n + column] / diagonal
                lu[row * n + column] = factor
                if factor == 0 { continue }
                for j in (column + 1)..<n { lu[row * n + j] -= factor * lu[column * n + j] }
            }
        }
    }

    /// X with A · X = B, B an n×n row-major matrix.
    func solve(_ b: [Double]) -> [Double] {
        let n = size
        var x = [Double](repeating: 0, count: n * n)
        for row in 0..<n {
            let source = pivots[row]
            for j in 0..<n { x[row * n + j] = b[source * n + j] }
        }
        for row in 0..<n {
            for k in 0..<row {
                let factor = lu[row * n + k]
                if factor == 0 { continue }
                for j in 0..<n { x[row * n + j] -= factor * x[k * n + j] }
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            for k in (row + 1)..<max(n, row + 1) {
                let factor = lu[row * n + k]
                if factor == 0 { continue }
                for j in 0..<n { x[row * n + j] -= factor * x[k * n + j] }
            }
            let diagonal = lu[row * n + row]
            for j in 0..<n { x[row * n + j] /= diagonal }
        }
        return x
    }
}
