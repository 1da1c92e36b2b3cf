# The predefined security questions, keyed by the id stored with each
# registration (domain::questions::PREDEFINED).
question-p01 = What was the name of your first pet?
question-p02 = In what city or town did your parents meet?
question-p03 = What was the first name of your first manager?
question-p04 = What was the name of the street you lived on at age ten?
question-p05 = What was the make and model of your first car?
question-p06 = What is the first name of your oldest cousin?
question-p07 = What was your childhood nickname?
question-p08 = What was the name of your first school?
question-p09 = In what city was your first job?
question-p10 = What was the first concert you attended?
question-p11 = What is the middle name of your oldest sibling?
question-p12 = What was the name of your favourite teacher?
question-p13 = What was your favourite food as a child?
question-p14 = What was the name of your first stuffed animal or toy?
question-p15 = In what city or town was your mother born?
question-p16 = In what city or town was your father born?
question-p17 = What was the first book you remember reading?
question-p18 = What was the name of the hospital where you were born?
question-p19 = What was your dream job as a child?
question-p20 = What is the name of the place your family went on holiday most?
question-p21 = What was the name of your best friend at primary school?
question-p22 = What was the first film you saw in a cinema?
question-p23 = What was the surname of your first-grade teacher?
question-p24 = What was the first foreign country you visited?
