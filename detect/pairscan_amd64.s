#include "textflag.h"

// func indexPairsSSE2(s []byte, ps *pairSet) int
//
// For each block of 16 positions i..i+15 it compares s[i..i+15] with the
// four first bytes and s[i+1..i+16] with the four second bytes, ANDs each
// pair's masks, ORs the four results, and stops at the first set bit.
// Blocks are taken while i+16 < len(s), so the load at i+1 stays inside s.
TEXT ·indexPairsSSE2(SB), NOSPLIT, $0-40
	MOVQ s_base+0(FP), SI
	MOVQ s_len+8(FP), BX
	MOVQ ps+24(FP), AX
	MOVQ SI, DI

	// Broadcast each of the eight pattern bytes into its own register.
	MOVBLZX 0(AX), CX
	MOVQ    CX, X8
	PUNPCKLBW X8, X8
	PSHUFLW $0, X8, X8
	PUNPCKLQDQ X8, X8
	MOVBLZX 1(AX), CX
	MOVQ    CX, X9
	PUNPCKLBW X9, X9
	PSHUFLW $0, X9, X9
	PUNPCKLQDQ X9, X9
	MOVBLZX 2(AX), CX
	MOVQ    CX, X10
	PUNPCKLBW X10, X10
	PSHUFLW $0, X10, X10
	PUNPCKLQDQ X10, X10
	MOVBLZX 3(AX), CX
	MOVQ    CX, X11
	PUNPCKLBW X11, X11
	PSHUFLW $0, X11, X11
	PUNPCKLQDQ X11, X11
	MOVBLZX 4(AX), CX
	MOVQ    CX, X12
	PUNPCKLBW X12, X12
	PSHUFLW $0, X12, X12
	PUNPCKLQDQ X12, X12
	MOVBLZX 5(AX), CX
	MOVQ    CX, X13
	PUNPCKLBW X13, X13
	PSHUFLW $0, X13, X13
	PUNPCKLQDQ X13, X13
	MOVBLZX 6(AX), CX
	MOVQ    CX, X14
	PUNPCKLBW X14, X14
	PSHUFLW $0, X14, X14
	PUNPCKLQDQ X14, X14
	MOVBLZX 7(AX), CX
	MOVQ    CX, X15
	PUNPCKLBW X15, X15
	PSHUFLW $0, X15, X15
	PUNPCKLQDQ X15, X15

loop:
	CMPQ BX, $17
	JB   notfound
	MOVOU (SI), X0
	MOVOU 1(SI), X1

	MOVO    X0, X2
	PCMPEQB X8, X2
	MOVO    X1, X3
	PCMPEQB X12, X3
	PAND    X3, X2

	MOVO    X0, X4
	PCMPEQB X9, X4
	MOVO    X1, X5
	PCMPEQB X13, X5
	PAND    X5, X4
	POR     X4, X2

	MOVO    X0, X4
	PCMPEQB X10, X4
	MOVO    X1, X5
	PCMPEQB X14, X5
	PAND    X5, X4
	POR     X4, X2

	PCMPEQB X11, X0
	PCMPEQB X15, X1
	PAND    X1, X0
	POR     X0, X2

	PMOVMSKB X2, DX
	TESTL    DX, DX
	JNZ      found
	ADDQ     $16, SI
	SUBQ     $16, BX
	JMP      loop

found:
	BSFL DX, DX
	SUBQ DI, SI
	ADDQ DX, SI
	MOVQ SI, ret+32(FP)
	RET

notfound:
	MOVQ $-1, ret+32(FP)
	RET

// func indexPairsAVX2(s []byte, ps *pairSet) int
//
// The same search, 32 positions per step. Blocks are taken while
// i+32 < len(s).
TEXT ·indexPairsAVX2(SB), NOSPLIT, $0-40
	MOVQ s_base+0(FP), SI
	MOVQ s_len+8(FP), BX
	MOVQ ps+24(FP), AX
	MOVQ SI, DI

	VPBROADCASTB 0(AX), Y8
	VPBROADCASTB 1(AX), Y9
	VPBROADCASTB 2(AX), Y10
	VPBROADCASTB 3(AX), Y11
	VPBROADCASTB 4(AX), Y12
	VPBROADCASTB 5(AX), Y13
	VPBROADCASTB 6(AX), Y14
	VPBROADCASTB 7(AX), Y15

avxloop:
	CMPQ BX, $33
	JB   avxnotfound
	VMOVDQU (SI), Y0
	VMOVDQU 1(SI), Y1

	VPCMPEQB Y8, Y0, Y2
	VPCMPEQB Y12, Y1, Y3
	VPAND    Y3, Y2, Y2

	VPCMPEQB Y9, Y0, Y4
	VPCMPEQB Y13, Y1, Y5
	VPAND    Y5, Y4, Y4
	VPOR     Y4, Y2, Y2

	VPCMPEQB Y10, Y0, Y4
	VPCMPEQB Y14, Y1, Y5
	VPAND    Y5, Y4, Y4
	VPOR     Y4, Y2, Y2

	VPCMPEQB Y11, Y0, Y4
	VPCMPEQB Y15, Y1, Y5
	VPAND    Y5, Y4, Y4
	VPOR     Y4, Y2, Y2

	VPMOVMSKB Y2, DX
	TESTL     DX, DX
	JNZ       avxfound
	ADDQ      $32, SI
	SUBQ      $32, BX
	JMP       avxloop

avxfound:
	VZEROUPPER
	BSFL DX, DX
	SUBQ DI, SI
	ADDQ DX, SI
	MOVQ SI, ret+32(FP)
	RET

avxnotfound:
	VZEROUPPER
	MOVQ $-1, ret+32(FP)
	RET

// func indexControlSSE2(s []byte) int
//
// The first index of a byte below 0x20 (a control character), 16 bytes
// per step; it covers positions 0 to 16*(len(s)/16)-1.
TEXT ·indexControlSSE2(SB), NOSPLIT, $0-32
	MOVQ s_base+0(FP), SI
	MOVQ s_len+8(FP), BX
	MOVQ SI, DI
	MOVQ $0xe0e0e0e0e0e0e0e0, AX
	MOVQ AX, X8
	PUNPCKLQDQ X8, X8
	PXOR X9, X9

ctlloop:
	CMPQ BX, $16
	JB   ctlnotfound
	MOVOU   (SI), X0
	PAND    X8, X0
	PCMPEQB X9, X0
	PMOVMSKB X0, DX
	TESTL   DX, DX
	JNZ     ctlfound
	ADDQ    $16, SI
	SUBQ    $16, BX
	JMP     ctlloop

ctlfound:
	BSFL DX, DX
	SUBQ DI, SI
	ADDQ DX, SI
	MOVQ SI, ret+24(FP)
	RET

ctlnotfound:
	MOVQ $-1, ret+24(FP)
	RET

// func indexControlAVX2(s []byte) int
//
// The same, 32 bytes per step; it covers positions 0 to 32*(len(s)/32)-1.
TEXT ·indexControlAVX2(SB), NOSPLIT, $0-32
	MOVQ s_base+0(FP), SI
	MOVQ s_len+8(FP), BX
	MOVQ SI, DI
	MOVQ $0xe0e0e0e0e0e0e0e0, AX
	MOVQ AX, X8
	VPBROADCASTQ X8, Y8
	VPXOR Y9, Y9, Y9

avxctlloop:
	CMPQ BX, $32
	JB   avxctlnotfound
	VMOVDQU   (SI), Y0
	VPAND     Y8, Y0, Y0
	VPCMPEQB  Y9, Y0, Y0
	VPMOVMSKB Y0, DX
	TESTL     DX, DX
	JNZ       avxctlfound
	ADDQ      $32, SI
	SUBQ      $32, BX
	JMP       avxctlloop

avxctlfound:
	VZEROUPPER
	BSFL DX, DX
	SUBQ DI, SI
	ADDQ DX, SI
	MOVQ SI, ret+24(FP)
	RET

avxctlnotfound:
	VZEROUPPER
	MOVQ $-1, ret+24(FP)
	RET
