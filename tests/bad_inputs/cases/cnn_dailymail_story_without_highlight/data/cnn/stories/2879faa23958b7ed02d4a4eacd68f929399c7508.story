The cat sees the mouse .

A dog chases a ball .
