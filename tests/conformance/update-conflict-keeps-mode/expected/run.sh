<<<<<<< before updating
echo owner
=======
echo two
>>>>>>> after updating
