import Foundation

extension WeightPolicy {
    /// Devine ideal body weight for a height and sex, rounded to the derived-weight step; nil unless male or female.
    // DOMAIN.md §4.6: IBW = 50 kg (male) / 45.5 kg (female) + 2.3 kg × (height in inches − 60)
    public func idealWeight(height: Centimetres, sex: SexAtBirth) -> Kilograms? {
        let constants = devine.value
        let base: Kilograms
        switch sex {
        case .male: base = constants.maleBase
        case .female: base = constants.femaleBase
        case .intersex, .unknown: return nil
        }
        let exact = base.value + constants.kilogramsPerInch * (height.inches - constants.baseHeightInches)
        return Kilograms(exact).rounded(derivedWeightRounding)
    }

    /// Adjusted body weight from actual and ideal weight, rounded to the derived-weight step.
    // DOMAIN.md §4.6: AdjBW = IBW + 0.4 × (ABW − IBW)
    public func adjustedWeight(actual: Kilograms, ideal: Kilograms) -> Kilograms {
        Kilograms(ideal.value + adjustmentFactor.value * (actual.value - ideal.value)).rounded(derivedWeightRounding)
    }

    /// BMI = kg ÷ m², rounded to the derived-weight step for display.
    public func bmi(weight: Kilograms, height: Centimetres) -> KilogramsPerSquareMetre {
        KilogramsPerSquareMetre(weight.value * 10_000 / (height.value * height.value)).rounded(derivedWeightRounding)
    }

    /// Whether BMI exceeds the threshold, decided exactly (kg × 10 000 > threshold × cm²) rather than on a rounded BMI.
    public func exceedsBMIThreshold(weight: Kilograms, height: Centimetres) -> Bool {
        weight.value * 10_000 > bmiThreshold.value.value * height.value * height.value
    }
}
