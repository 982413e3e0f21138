"""Layer 2: differential cross sections for each process family (EFT pair production, Z′)."""
